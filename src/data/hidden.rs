//! Characters a names file may not hold although they are valid text: the controls that change
//! the direction text is shown in (one of them can make "nomis" display as "simon"), and the
//! other invisible format characters (a zero-width space would be a vocabulary entry nobody can
//! see). The zero-width joiner and non-joiner and the Mongolian vowel separator stay allowed:
//! Devanagari, Arabic, Persian and Mongolian spelling needs them.

/// Why a character is refused, with its Unicode name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// U+202A-U+202E and U+2066-U+2069: embeddings, overrides and isolates.
    Direction(&'static str),
    /// Every other format character (Unicode category Cf) and the line and paragraph separators.
    Invisible(&'static str),
}

/// The bidirectional embedding, override and isolate controls.
const DIRECTION: &[(u32, &str)] = &[
    (0x202A, "LEFT-TO-RIGHT EMBEDDING"),
    (0x202B, "RIGHT-TO-LEFT EMBEDDING"),
    (0x202C, "POP DIRECTIONAL FORMATTING"),
    (0x202D, "LEFT-TO-RIGHT OVERRIDE"),
    (0x202E, "RIGHT-TO-LEFT OVERRIDE"),
    (0x2066, "LEFT-TO-RIGHT ISOLATE"),
    (0x2067, "RIGHT-TO-LEFT ISOLATE"),
    (0x2068, "FIRST STRONG ISOLATE"),
    (0x2069, "POP DIRECTIONAL ISOLATE"),
];

/// Unicode 15's format characters (Cf) other than the above and U+200C, U+200D, U+180E, plus
/// U+2028/U+2029; ranges share a name.
const INVISIBLE: &[(u32, u32, &str)] = &[
    (0x00AD, 0x00AD, "SOFT HYPHEN"),
    (0x0600, 0x0605, "ARABIC NUMBER SIGN"),
    (0x061C, 0x061C, "ARABIC LETTER MARK"),
    (0x06DD, 0x06DD, "ARABIC END OF AYAH"),
    (0x070F, 0x070F, "SYRIAC ABBREVIATION MARK"),
    (0x0890, 0x0891, "ARABIC CURRENCY MARK ABOVE"),
    (0x08E2, 0x08E2, "ARABIC DISPUTED END OF AYAH"),
    (0x200B, 0x200B, "ZERO WIDTH SPACE"),
    (0x200E, 0x200E, "LEFT-TO-RIGHT MARK"),
    (0x200F, 0x200F, "RIGHT-TO-LEFT MARK"),
    (0x2028, 0x2028, "LINE SEPARATOR"),
    (0x2029, 0x2029, "PARAGRAPH SEPARATOR"),
    (0x2060, 0x2060, "WORD JOINER"),
    (0x2061, 0x2064, "INVISIBLE MATHEMATICAL OPERATOR"),
    (0x206A, 0x206F, "DEPRECATED FORMAT CHARACTER"),
    (
        0xFEFF,
        0xFEFF,
        "ZERO WIDTH NO-BREAK SPACE (a byte order mark)",
    ),
    (0xFFF9, 0xFFFB, "INTERLINEAR ANNOTATION CONTROL"),
    (0x110BD, 0x110BD, "KAITHI NUMBER SIGN"),
    (0x110CD, 0x110CD, "KAITHI NUMBER SIGN ABOVE"),
    (0x13430, 0x1343F, "EGYPTIAN HIEROGLYPH FORMAT CONTROL"),
    (0x1BCA0, 0x1BCA3, "SHORTHAND FORMAT CONTROL"),
    (0x1D173, 0x1D17A, "MUSICAL SYMBOL FORMAT CONTROL"),
    (0xE0001, 0xE0001, "LANGUAGE TAG"),
    (0xE0020, 0xE007F, "TAG CHARACTER"),
];

/// `Some` when `c` may not appear in a name (see the module doc); `None` for every other character.
pub fn hidden_char(c: char) -> Option<Hidden> {
    let u = c as u32;
    if let Some(&(_, name)) = DIRECTION.iter().find(|&&(d, _)| d == u) {
        return Some(Hidden::Direction(name));
    }
    INVISIBLE
        .iter()
        .find(|&&(lo, hi, _)| (lo..=hi).contains(&u))
        .map(|&(_, _, name)| Hidden::Invisible(name))
}
