//! The safetensors writer and reader: byte for byte what huggingface/safetensors writes, a
//! hand-built file, round trips, and a clear error for every malformed or unsupported file.

use makemore_lab::export::safetensors::{read, write};
use makemore_lab::rng::Rng;
use std::collections::BTreeMap;

fn meta(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `tests/corpus/safetensors/huggingface.safetensors` was written by the reference
/// implementation (Python `safetensors` 0.8.0, numpy 2.4):
///
/// ```python
/// t = {"C": np.arange(6, dtype=np.float32).reshape(3, 2) * 0.5 - 1.0,
///      "W1": np.array([[1.5, -2.25, 3.0]], dtype=np.float32),
///      "b1": np.array([0.125, 1e-8, -7.0], dtype=np.float32)}
/// save(t, metadata={"format": "pt", "note": "quote \" and é"})
/// ```
const HF: &[u8] = include_bytes!("../corpus/safetensors/huggingface.safetensors");
const C: [f32; 6] = [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5];
const W1: [f32; 3] = [1.5, -2.25, 3.0];
const B1: [f32; 3] = [0.125, 1e-8, -7.0];

#[test]
fn writes_what_the_reference_implementation_writes() {
    let m = meta(&[("format", "pt"), ("note", "quote \" and é")]);
    let bytes = write(
        &[("C", &[3, 2], &C), ("W1", &[1, 3], &W1), ("b1", &[3], &B1)],
        &m,
    );
    assert_eq!(bytes, HF);
}

#[test]
fn reads_the_reference_implementations_file() {
    let (tensors, m) = read(HF).unwrap();
    assert_eq!(m, meta(&[("format", "pt"), ("note", "quote \" and é")]));
    let want = [
        ("C", vec![3, 2], C.to_vec()),
        ("W1", vec![1, 3], W1.to_vec()),
        ("b1", vec![3], B1.to_vec()),
    ];
    assert_eq!(tensors.len(), 3);
    for (t, w) in tensors.iter().zip(&want) {
        assert_eq!((t.0.as_str(), &t.1, &t.2), (w.0, &w.1, &w.2));
    }
}

#[test]
fn a_hand_built_file() {
    // 54 bytes of JSON, padded to 56; then 1.0 and -2.0 as little-endian f32.
    let header = br#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
    assert_eq!(header.len(), 54);
    let mut bytes = vec![56, 0, 0, 0, 0, 0, 0, 0];
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(b"  ");
    bytes.extend_from_slice(&[0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]);
    assert_eq!(write(&[("w", &[2], &[1.0, -2.0])], &BTreeMap::new()), bytes);
    let (t, m) = read(&bytes).unwrap();
    assert!(m.is_empty());
    assert_eq!(t, vec![("w".to_string(), vec![2], vec![1.0, -2.0])]);
    // Whitespace and escapes the writer does not produce are read too.
    let loose = b"{ \"w\" : { \"shape\" : [ 2 ] , \"data_offsets\" : [0, 8], \"dtype\" : \"F32\" } ,\n \"__metadata__\": {\"a\\u00e9\\ud83d\\ude00\\/\": \"\"} }";
    let mut b = (loose.len() as u64).to_le_bytes().to_vec();
    b.extend_from_slice(loose);
    b.extend_from_slice(&bytes[64..]);
    let (t2, m2) = read(&b).unwrap();
    assert_eq!(t2, t);
    assert_eq!(m2, meta(&[("aé😀/", "")]));
}

#[test]
fn round_trips_shapes_names_and_metadata() {
    let mut rng = Rng::new(9);
    let mut values = vec![0f32; 30 * 200];
    rng.fill_normal(&mut values, 1.0);
    values[7] = f32::NAN;
    values[8] = f32::INFINITY;
    values[9] = -0.0;
    let names = [
        "C",
        "layers.0.weight",
        "name \"quoted\" \\ é 北",
        "empty",
        "scalar",
    ];
    let shapes: [&[usize]; 5] = [&[27, 10], &[30, 200], &[4], &[0, 3], &[]];
    let data: [&[f32]; 5] = [&values[..270], &values, &values[..4], &[], &[2.5]];
    let tensors: Vec<(&str, &[usize], &[f32])> =
        (0..5).map(|i| (names[i], shapes[i], data[i])).collect();
    let m = meta(&[
        ("preset", "deep"),
        ("steps", "1000"),
        ("ctl", "tab\tnl\n\u{1}"),
        ("", "é"),
    ]);
    let bytes = write(&tensors, &m);
    let (back, m2) = read(&bytes).unwrap();
    assert_eq!(m2, m);
    assert_eq!(back.len(), 5);
    for (b, t) in back.iter().zip(&tensors) {
        assert_eq!(b.0, t.0);
        assert_eq!(b.1, t.1);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&b.2),
            bits(t.2),
            "{}: the same bits, NaN and -0 included",
            t.0
        );
    }
    // The header is padded to 8 bytes, so the data is aligned.
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!(n % 8, 0);
}

/// `header` as a file with `data` bytes after it.
fn file(header: &str, data: usize) -> Vec<u8> {
    let mut b = (header.len() as u64).to_le_bytes().to_vec();
    b.extend_from_slice(header.as_bytes());
    b.resize(b.len() + data, 0);
    b
}

#[test]
fn malformed_and_unsupported_files_are_refused_with_the_reason() {
    let t = |offs: &str| format!(r#""dtype":"F32","shape":[2],"data_offsets":{offs}"#);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (vec![1, 2, 3], "shorter than its 8-byte header length"),
        (u64::MAX.to_le_bytes().to_vec(), "a header of"),
        (file("[1]", 0), "does not start with '{'"),
        (
            file(
                r#"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#,
                4,
            ),
            "is F16; only F32",
        ),
        (
            file(&format!(r#"{{"w":{{{}}}}}"#, t("[0,8]")), 12),
            "cover 8 bytes of data; the file has 12",
        ),
        (
            file(&format!(r#"{{"w":{{{}}}}}"#, t("[0,4]")), 4),
            "do not hold shape [2]",
        ),
        (
            file(
                &format!(r#"{{"a":{{{}}},"b":{{{}}}}}"#, t("[0,8]"), t("[16,24]")),
                24,
            ),
            "starts at byte 16 of the data, not 8",
        ),
        (
            file(
                &format!(r#"{{"a":{{{}}},"b":{{{}}}}}"#, t("[0,8]"), t("[4,12]")),
                12,
            ),
            "a hole or an overlap",
        ),
        (
            file(
                &format!(r#"{{"a":{{{}}},"a":{{{}}}}}"#, t("[0,8]"), t("[8,16]")),
                16,
            ),
            "appears twice",
        ),
        (
            file(
                r#"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#,
                8,
            ),
            "only integers",
        ),
        (
            file(
                r#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
                8,
            ),
            "expected a string, a non-negative integer",
        ),
        (
            file(
                r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}"#,
                8,
            ),
            "unknown field \"x\"",
        ),
        (
            file(r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8]}}"#, 8),
            "must be [begin, end]",
        ),
        (
            file(r#"{"__metadata__":{"k":1}}"#, 0),
            "__metadata__ \"k\" is not a string",
        ),
        (file(r#"{"w":true}"#, 0), "expected a string"),
        (file(r#"{"w":{"dtype":"F32"} "#, 0), "expected ',' or '}'"),
        (file(r#"{} {}"#, 0), "more after the header's object"),
        (file("{\"a\u{1}\":1}", 0), "a control character in a string"),
        (file(r#"{"\ud800":{}}"#, 0), "a lone surrogate"),
        (file(r#"{"a":[[[[1]]]]}"#, 0), "nesting deeper"),
    ];
    for (bytes, want) in cases {
        let e = read(&bytes).expect_err(want);
        assert!(e.contains(want), "{e:?} should say {want:?}");
    }
}
