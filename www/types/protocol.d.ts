// The messages between the page and its trainer, and the page module's tables, as their Rust
// types declare them: each type the page reads derives `tsify::Tsify` (src/session/protocol.rs,
// the views, the chart ids, the knobs, the keys, the chapters; `ChartSpec` stays opaque, see
// src/web/draw.rs), and the page's wasm build (feature `ts`) writes their TypeScript into its
// bindings, www/pkg/page/makemore_lab.d.ts (`cargo xtask build`). A field renamed in Rust fails
// the type check (`tsc -p www/types`). The page's modules import these types from here only.

import type { Request as ExternalRequest } from '../pkg/page/makemore_lab.js';

export type {
  Cadence, ChapterInfo, ChartId, ChartSpec, ChartView, DataView, DiagView, Event, ExperimentInfo,
  ExportKind, Figure, Group, Hideable, Key, KeyAction, Knob, KnobKind, Level, Notice, PageOptions, PathView,
  Phrase, Pick, PickSlot, ProgressView, QuestionView, QuizView, RunRow, RunView, SampleView, SamplerAction, SlowRow, SlowView,
  Tools, Control, Topic, PartView, ExerciseView, Verdict, VerdictStatus,
} from '../pkg/page/makemore_lab.js';

/**
 * A serde enum in its external form (`"train"`, `{chapter: {name}}`) as the page writes it: the
 * tag in `type` beside the fields (`{type: 'chapter', name}`). web/worker.rs `request` moves it
 * back; it knows no message, nor does this.
 */
type Tagged<T> = T extends string
  ? { type: T }
  : { [K in keyof T & string]: { type: K } & T[K] }[keyof T & string];

/** protocol::Request: page -> worker, as the page writes it. */
export type Request = Tagged<ExternalRequest>;
