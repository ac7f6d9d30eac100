//! What a run starts from: a chapter of the lesson, or a break-it experiment on one. Its
//! settings, its chapter and its title all come from the lesson.

use super::settings::Settings;
use super::words::echo;
use crate::lesson::{ChapterId, ExperimentId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    Chapter(ChapterId),
    Experiment(ExperimentId),
}

impl Setup {
    /// A chapter by its name (as the page and links write it).
    pub fn chapter_named(name: &str) -> Result<Setup, String> {
        ChapterId::from_name(name)
            .map(Setup::Chapter)
            .ok_or_else(|| format!("there is no chapter '{}'", echo(name)))
    }

    /// A break-it experiment by its name.
    pub fn experiment_named(name: &str) -> Result<Setup, String> {
        ExperimentId::from_name(name)
            .map(Setup::Experiment)
            .ok_or_else(|| format!("there is no experiment '{}'", echo(name)))
    }

    /// The settings the setup starts with.
    pub fn settings(&self) -> Settings {
        match *self {
            Setup::Chapter(id) => Settings::chapter(id),
            Setup::Experiment(id) => {
                let (chapter, e) = id.find();
                Settings::from_chapter(&chapter.broken_by(&e))
            }
        }
    }

    /// The chapter: the chapter itself, or the one the experiment breaks.
    pub fn chapter(&self) -> ChapterId {
        match *self {
            Setup::Chapter(id) => id,
            Setup::Experiment(id) => id.find().0.id,
        }
    }

    /// "6. Kaiming init" or "break it: weights x10 at init".
    pub fn title(&self) -> String {
        match *self {
            Setup::Chapter(id) => id.chapter().title.into(),
            Setup::Experiment(id) => format!("break it: {}", id.find().1.title),
        }
    }
}
