//! Characters a names file may not hold although they are valid text: the controls that change
//! the direction text is shown in (one of them can make "nomis" display as "simon"), and the
//! other invisible format characters (a zero-width space would be a vocabulary entry nobody can
//! see), the letters and marks that draw nothing (a Hangul filler, a blank Braille pattern), and
//! the spaces that look like a space but are other characters (a no-break space would make two
//! names that read alike two different spellings). The zero-width joiner and non-joiner and the
//! Mongolian vowel separator stay allowed: Devanagari, Arabic, Persian and Mongolian spelling needs
//! them.

/// Why a character is refused, with its Unicode name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// U+202A-U+202E and U+2066-U+2069: embeddings, overrides and isolates.
    Direction(&'static str),
    /// Every other format character (Unicode category Cf), the line and paragraph separators, and
    /// the other default-ignorable or blank characters.
    Invisible(&'static str),
    /// A space other than U+0020.
    Space(&'static str),
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
/// U+2028/U+2029, the other default-ignorable code points (fillers, variation selectors, the
/// combining grapheme joiner) and U+2800; ranges share a name.
const INVISIBLE: &[(u32, u32, &str)] = &[
    (0x00AD, 0x00AD, "SOFT HYPHEN"),
    (0x034F, 0x034F, "COMBINING GRAPHEME JOINER"),
    (0x0600, 0x0605, "ARABIC NUMBER SIGN"),
    (0x061C, 0x061C, "ARABIC LETTER MARK"),
    (0x06DD, 0x06DD, "ARABIC END OF AYAH"),
    (0x070F, 0x070F, "SYRIAC ABBREVIATION MARK"),
    (0x0890, 0x0891, "ARABIC CURRENCY MARK ABOVE"),
    (0x08E2, 0x08E2, "ARABIC DISPUTED END OF AYAH"),
    (0x115F, 0x115F, "HANGUL CHOSEONG FILLER"),
    (0x1160, 0x1160, "HANGUL JUNGSEONG FILLER"),
    (0x17B4, 0x17B5, "KHMER VOWEL INHERENT"),
    (0x180B, 0x180D, "MONGOLIAN FREE VARIATION SELECTOR"),
    (0x180F, 0x180F, "MONGOLIAN FREE VARIATION SELECTOR FOUR"),
    (0x200B, 0x200B, "ZERO WIDTH SPACE"),
    (0x200E, 0x200E, "LEFT-TO-RIGHT MARK"),
    (0x200F, 0x200F, "RIGHT-TO-LEFT MARK"),
    (0x2028, 0x2028, "LINE SEPARATOR"),
    (0x2029, 0x2029, "PARAGRAPH SEPARATOR"),
    (0x2060, 0x2060, "WORD JOINER"),
    (0x2061, 0x2064, "INVISIBLE MATHEMATICAL OPERATOR"),
    (0x206A, 0x206F, "DEPRECATED FORMAT CHARACTER"),
    (0x2800, 0x2800, "BRAILLE PATTERN BLANK"),
    (0x3164, 0x3164, "HANGUL FILLER"),
    (0xFE00, 0xFE0F, "VARIATION SELECTOR"),
    (
        0xFEFF,
        0xFEFF,
        "ZERO WIDTH NO-BREAK SPACE (a byte order mark)",
    ),
    (0xFFA0, 0xFFA0, "HALFWIDTH HANGUL FILLER"),
    (0xFFF0, 0xFFF8, "UNASSIGNED SPECIAL"),
    (0xFFF9, 0xFFFB, "INTERLINEAR ANNOTATION CONTROL"),
    (0x110BD, 0x110BD, "KAITHI NUMBER SIGN"),
    (0x110CD, 0x110CD, "KAITHI NUMBER SIGN ABOVE"),
    (0x13430, 0x1343F, "EGYPTIAN HIEROGLYPH FORMAT CONTROL"),
    (0x1BCA0, 0x1BCA3, "SHORTHAND FORMAT CONTROL"),
    (0x1D173, 0x1D17A, "MUSICAL SYMBOL FORMAT CONTROL"),
    (0xE0000, 0xE001F, "LANGUAGE TAG"),
    (0xE0020, 0xE007F, "TAG CHARACTER"),
    (0xE0080, 0xE00FF, "UNASSIGNED DEFAULT IGNORABLE"),
    (0xE0100, 0xE01EF, "VARIATION SELECTOR SUPPLEMENT"),
    (0xE01F0, 0xE0FFF, "UNASSIGNED DEFAULT IGNORABLE"),
];

/// The spaces other than U+0020 (Unicode category Zs).
const SPACES: &[(u32, u32, &str)] = &[
    (0x00A0, 0x00A0, "NO-BREAK SPACE"),
    (0x1680, 0x1680, "OGHAM SPACE MARK"),
    (0x2000, 0x200A, "EN QUAD TO HAIR SPACE"),
    (0x202F, 0x202F, "NARROW NO-BREAK SPACE"),
    (0x205F, 0x205F, "MEDIUM MATHEMATICAL SPACE"),
    (0x3000, 0x3000, "IDEOGRAPHIC SPACE"),
];

fn find(table: &[(u32, u32, &'static str)], u: u32) -> Option<&'static str> {
    table
        .iter()
        .find(|&&(lo, hi, _)| (lo..=hi).contains(&u))
        .map(|&(_, _, name)| name)
}

/// `Some` when `c` may not appear in a name (see the module doc); `None` for every other character.
pub fn hidden_char(c: char) -> Option<Hidden> {
    let u = c as u32;
    if let Some(&(_, name)) = DIRECTION.iter().find(|&&(d, _)| d == u) {
        return Some(Hidden::Direction(name));
    }
    find(INVISIBLE, u)
        .map(Hidden::Invisible)
        .or_else(|| find(SPACES, u).map(Hidden::Space))
}
