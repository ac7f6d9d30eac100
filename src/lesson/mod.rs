//! The lesson as data: its chapters in the lecture's order, each one definition in a file of its
//! own (its title, text, model, schedule, saturation threshold, key charts, the break-it
//! experiments on it and its questions), each chapter's model a struct update of the one before,
//! as the lecture changes one thing at a time. Everything else reads them: the session's
//! settings and run view, the page's chapter list, presentation mode's key charts, links and the
//! runner's usage text. No code elsewhere matches on a chapter.
//!
//! - `chapter`: what a chapter and a break-it experiment are (`Chapter`, `Experiment`, the ids);
//! - `facts`: the numbers of a run a chapter's sentences state;
//! - `question`: what the page asks before a run shows it; `seen`: what a run has shown;
//! - `prose`: a sentence whose phrases link to the chart they name;
//! - one file per chapter, from `lr_finder` to `deep`.
//!
//! Below the session and the web: it knows the model's and the training's configs and the
//! charts' ids, nothing else.

mod batchnorm;
mod chapter;
mod deep;
mod embed_2d;
mod facts;
mod fix_softmax;
mod fix_tanh;
mod kaiming;
mod lr_finder;
mod naive;
pub mod prose;
mod question;
mod seen;

pub use chapter::{Chapter, ChapterId, Experiment, ExperimentId};
pub use facts::{
    kaiming_demo, Facts, KAIMING_BATCH, KAIMING_FAN_OUT, SATURATED, SATURATED_DEEP, TANH_GAIN,
};
pub use question::{Answer, Question, Reading};
pub use seen::{Seen, RATIO_STEPS};

impl ChapterId {
    /// The chapter the lesson starts with.
    pub const FIRST: ChapterId = ChapterId::ALL[0];

    /// The chapter's definition.
    pub fn chapter(self) -> Chapter {
        match self {
            ChapterId::LrFinder => lr_finder::chapter(),
            ChapterId::Embed2d => embed_2d::chapter(),
            ChapterId::Naive => naive::chapter(),
            ChapterId::FixSoftmax => fix_softmax::chapter(),
            ChapterId::FixTanh => fix_tanh::chapter(),
            ChapterId::Kaiming => kaiming::chapter(),
            ChapterId::Batchnorm => batchnorm::chapter(),
            ChapterId::Deep => deep::chapter(),
        }
    }
}

impl ExperimentId {
    /// The experiment, and the chapter it breaks (the one that lists it).
    pub fn find(self) -> (Chapter, Experiment) {
        chapters()
            .into_iter()
            .find_map(|c| {
                let e = c.experiments.iter().find(|e| e.id == self)?.clone();
                Some((c, e))
            })
            .expect("every experiment is listed by one chapter (tested)")
    }
}

/// Every chapter, in the lecture's order.
pub fn chapters() -> Vec<Chapter> {
    ChapterId::ALL.iter().map(|c| c.chapter()).collect()
}

/// Every break-it experiment with the chapter it breaks, in `ExperimentId` order.
pub fn experiments() -> Vec<(ChapterId, Experiment)> {
    ExperimentId::ALL
        .iter()
        .map(|e| {
            let (c, e) = e.find();
            (c.id, e)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chapter_is_defined_under_its_own_id() {
        for &id in ChapterId::ALL {
            assert_eq!(id.chapter().id, id);
        }
    }

    #[test]
    fn every_experiment_is_listed_by_exactly_one_chapter() {
        for &id in ExperimentId::ALL {
            let listed: Vec<ChapterId> = chapters()
                .iter()
                .filter(|c| c.experiments.iter().any(|e| e.id == id))
                .map(|c| c.id)
                .collect();
            assert_eq!(listed.len(), 1, "{id} is listed by {listed:?}");
        }
        let total: usize = chapters().iter().map(|c| c.experiments.len()).sum();
        assert_eq!(total, ExperimentId::ALL.len());
    }

    #[test]
    fn the_texts_state_the_runs_numbers() {
        let naive = ChapterId::Naive.chapter();
        let text = naive.plain_text(&naive.facts());
        assert!(
            text.contains("With 27 characters") && text.contains("= 3.30"),
            "{text}"
        );
        let other = Facts {
            vocab_size: 40,
            ..naive.facts()
        };
        let other = Facts {
            uniform_loss: 40f32.ln(),
            ..other
        };
        let text = naive.plain_text(&other);
        assert!(text.contains("-ln(1/40) = 3.69"), "{text}");
        let kaiming = ChapterId::Kaiming.chapter();
        let f = kaiming.facts();
        assert!(kaiming.plain_text(&f).contains(&format!(
            "std {} without",
            crate::format::plain(f.demo_y_std)
        )));
    }

    #[test]
    fn every_chapter_links_its_text_to_its_key_charts() {
        for c in chapters() {
            let f = c.facts();
            let links = prose::charts(&(c.text)(&f));
            assert!(!links.is_empty(), "{}: no phrase links to a chart", c.id);
            for chart in links {
                assert!(
                    c.key_charts.contains(&chart),
                    "{}: a link to {chart}, which the chapter does not show first",
                    c.id
                );
            }
        }
    }
}
