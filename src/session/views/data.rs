//! The data in use, as the page's header shows it, and the upload's confirmation.

use crate::format;
use crate::session::protocol::DataView;
use crate::session::{Session, PREVIEW_NAMES};

/// The header: the source, the counts, the vocabulary and the first names.
pub fn data_view(s: &Session) -> DataView {
    let d = s.data();
    DataView {
        // As the messages quote it: cut, its direction controls shown (a file's name).
        source: crate::session::words::echo(s.source()),
        names: format::count(d.n_names()),
        vocab_size: d.vocab.size().to_string(),
        vocab: vocab_text(&d.vocab.itos),
        train: format::count(d.train.len()),
        val: format::count(d.val.len()),
        preview: s
            .words()
            .iter()
            .take(PREVIEW_NAMES)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        detail: format!(
            "{} names for training, {} for validation (90/10); context of {} characters",
            format::count(d.train_words.len()),
            format::count(d.val_words.len()),
            d.train.block_size
        ),
    }
}

/// Characters of the vocabulary shown in the header: the rest are counted, not listed (a list of
/// Chinese names has thousands).
pub const VOCAB_SHOWN: usize = 120;

/// The vocabulary as the header shows it: every character, or the first `VOCAB_SHOWN` and how
/// many more.
fn vocab_text(itos: &[char]) -> String {
    let shown: String = itos.iter().take(VOCAB_SHOWN).collect();
    if itos.len() > VOCAB_SHOWN {
        format!(
            "{shown} … and {} more",
            format::count(itos.len() - VOCAB_SHOWN)
        )
    } else {
        shown
    }
}

/// "32,033 names, vocabulary 27": the upload's confirmation.
pub fn data_line(s: &Session) -> String {
    let d = s.data();
    format!(
        "{} names, vocabulary {}",
        format::count(d.n_names()),
        d.vocab.size()
    )
}
