// The messages between the page and its trainer, and the page module's tables, as serde writes
// them (src/session/protocol.rs and the modules named below): snake_case fields, enums as their
// tag, `Option` as null. For the type check only (`tsc -p www`); nothing loads this file.
//
// Written out by hand until the Rust side derives them (tsify) into the bindgen declarations
// (www/pkg/page/makemore_lab.d.ts); then this file becomes one line,
// `export type { ... } from '../pkg/page/makemore_lab.js';`, and a field renamed in Rust fails
// the check. The page's modules import these types from here only.

/** protocol::ChartId: a chart, by the `data-chart` name of its figure. */
export type ChartId =
  | 'loss' | 'lr' | 'embedding' | 'preact' | 'map' | 'ratios' | 'acts' | 'grads' | 'kaiming'
  | 'sampler' | 'score' | 'weight_grads' | 'running';
export type Level = 'good' | 'warn' | 'bad';
/** protocol::Topic: the part of the page a notice belongs to. */
export type Topic = 'training' | 'settings' | 'sampling' | 'upload' | 'weights' | 'sampler';
export type ExportKind = 'loss_csv' | 'runs_csv' | 'diagnostics_csv' | 'weights';
export type SamplerAction = 'new' | 'next' | 'finish';

/** charts::ChartSpec: the page's module draws it; the page only carries it. */
export type ChartSpec = { readonly [kind: string]: unknown };
/** charts::Pick: an item of a chart pointed at. */
export type Pick =
  | { kind: 'point'; index: number }
  | { kind: 'cell'; row: number; col: number }
  | { kind: 'layer'; layer: number };

export interface ChartView { id: ChartId; caption: string; spec: ChartSpec; lines: string[] }
export interface DataView {
  source: string; names: string; vocab_size: string; vocab: string; train: string; val: string;
  preview: string; detail: string;
}
/** link::PageOptions */
export interface PageOptions { present: boolean; hidden: string[] }
export interface ExperimentInfo {
  name: string; title: string; chapter: string; change: string; symptom: string; chart: ChartId;
  fix: string; fix_how: string; sentence: string;
}
export interface RunView {
  run: number; chapter: string; title: string; about: string; architecture: string; seed: string;
  knobs: Record<string, string>; key_charts: ChartId[]; experiment: ExperimentInfo | null;
  charts: ChartView[];
}
export interface Notice { message: string; level: Level }
export interface ProgressView {
  run: number; step: number; steps: number; running: boolean; finished: boolean; evaluating: boolean;
  first_loss: number | null; step_text: string; speed_text: string; eta_text: string; lr_text: string;
  lr_override: boolean; lr_note: string; budget_text: string; stopped: Notice | null;
  charts: ChartView[];
}
export interface PathView { run: number; frames: number; frame: number; step_text: string }
export interface DiagView { run: number; step: number; charts: ChartView[]; path: PathView }
export interface RunRow {
  run: number; setup: string; seed: string; params: string; first_loss: string; at_init: string;
  steps: string; train_val: string; time: string; speed: string;
}
export interface SampleView { name: string; novelty: string }

/** protocol::Event: worker -> page. */
export type Event =
  | { type: 'ready'; data: DataView; kernels: string; page: PageOptions }
  | { type: 'run'; run: RunView }
  | { type: 'progress'; progress: ProgressView }
  | { type: 'diag'; diag: DiagView }
  | { type: 'data'; data: DataView; name: string; upload: number }
  | { type: 'load_error'; message: string; name: string; upload: number }
  | { type: 'charts'; charts: ChartView[] }
  | { type: 'samples'; samples: SampleView[]; line: string }
  | { type: 'runs'; runs: RunRow[]; compare: number | null }
  | { type: 'link'; query: string }
  | { type: 'file'; name: string; mime: string; bytes: Uint8Array<ArrayBuffer> }
  | { type: 'notice'; message: string; level: Level; topic: Topic }
  | { type: 'fatal'; message: string }
  | { type: 'path'; path: PathView; chart: ChartView };

/** protocol::Request: page -> worker, as the page writes it (the tag in `type`). */
export type Request =
  | {
    type: 'init'; simd: string | null; threads: string | null; link: string | null;
    bytes?: Uint8Array; name?: string | null;
  }
  | { type: 'train' } | { type: 'pause' } | { type: 'step' } | { type: 'reset' }
  | { type: 'new_seed' } | { type: 'evaluate' } | { type: 'clear_runs' }
  | { type: 'chapter'; name: string }
  | { type: 'experiment'; name: string }
  | { type: 'settings'; values: Record<string, string> }
  | { type: 'budget'; steps: string; hold?: boolean }
  | { type: 'lr'; lr: string | null }
  | { type: 'sample'; n: string; temperature: string }
  | { type: 'load'; bytes: Uint8Array; name: string; upload: number }
  | { type: 'link'; page: PageOptions }
  | { type: 'compare'; run: number | null }
  | { type: 'export'; what: ExportKind }
  | { type: 'sampler'; action: SamplerAction; temperature: string }
  | { type: 'score'; name: string }
  | { type: 'load_weights'; bytes: Uint8Array; name: string }
  | { type: 'panic_for_test' }
  | { type: 'path_frame'; frame: number | null };

// ---- the page module's tables (web/draw.rs, web/pick.rs) ----------------------------------

/** draw.rs `chapters()`: the chapters in lesson order. */
export interface ChapterInfo { name: string; title: string; about: string }
/** settings::KnobKind */
export type KnobKind =
  | { type: 'int'; min: number; max: number }
  | { type: 'float'; min: number; max: number }
  | { type: 'choice'; choices: string[] }
  | { type: 'bool' };
/** settings::Knob: a field of the custom form. */
export interface Knob {
  key: string; label: string; group: 'data' | 'model' | 'init' | 'training'; kind: KnobKind; help: string;
}
/** pick.rs `pick_slots()`: a chart one can point at, and the slot its pick is kept in. */
export type PickSlot = [ChartId, string];
/** session::views::Figure, draw.rs `charts()`: a chart of the table, as the page makes its figure. */
export interface Figure {
  id: ChartId; caption: string; cadence: 'run' | 'step' | 'diag' | 'on_request'; height: number;
  wide: boolean; pick: 'embedding' | 'map' | 'layer' | null; csv: ExportKind | null; lines: number;
  tools: Tools | null;
}
/** views::tools::Tools: the controls above a chart's canvas. */
export interface Tools { form: string | null; controls: Control[] }
export type Control =
  | { kind: 'button'; id: string; label: string; title: string; submit: boolean; value: string }
  | { kind: 'field'; id: string; label: string; value: string; size: number; decimal: boolean }
  | { kind: 'status'; id: string };
/** keys::KeyAction: what a key does. */
export type KeyAction = 'train_pause' | 'step' | 'reset' | 'previous_chapter' | 'next_chapter' | 'present' | 'help';
/** keys::Key, draw.rs `keys()`: a row of the keyboard's help and the keys it names. */
export interface KeyRow {
  label: string; help: string; press: [key: string, action: KeyAction][]; on_buttons: boolean; in_help: boolean;
}
