//! The safetensors format (huggingface/safetensors), F32 tensors only: 8 bytes of little-endian
//! header length N, N bytes of JSON (`{"__metadata__":{..},"name":{"dtype":"F32","shape":[..],
//! "data_offsets":[begin,end]},..}`, padded with spaces to a multiple of 8), then the tensors'
//! little-endian bytes back to back, offsets counted from the end of the header. The JSON reader
//! knows only this header's shapes (objects, strings, arrays of integers) and says so on
//! anything else.

use std::collections::BTreeMap;

/// One tensor: its name, its shape and its values (row-major, `shape`'s product of them).
pub type Tensor = (String, Vec<usize>, Vec<f32>);

/// The largest header read (the reference implementation's limit): a bigger one is not a header.
const MAX_HEADER: usize = 100_000_000;
/// The most tensors a weights file holds: the deep model at six Linear layers has 39; a header
/// listing thousands is not one of ours, and is refused before any per-tensor work.
pub const MAX_TENSORS: usize = 1_000;

/// `s` as a JSON string, escaped as serde_json (and so huggingface/safetensors) does.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `items` as a JSON array of strings (metadata values that are lists, such as a vocabulary).
pub(crate) fn json_string_array<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, item.as_ref());
    }
    out.push(']');
    out
}

/// A JSON array of strings, as `json_string_array` writes it (or any JSON writer would).
pub(crate) fn parse_json_string_array(s: &str) -> Result<Vec<String>, String> {
    let mut p = Parser {
        s: s.as_bytes(),
        i: 0,
    };
    let value = p.value(0)?;
    p.ws();
    if p.i != s.len() {
        return p.err("more after the array");
    }
    let Json::Array(items) = value else {
        return Err("not a JSON array".into());
    };
    items
        .into_iter()
        .map(|v| match v {
            Json::Str(s) => Ok(s),
            _ => Err("an array item that is not a string".into()),
        })
        .collect()
}

/// The file's bytes: `metadata` first (key order), then the tensors in the order given, their
/// data back to back in that order. Each tensor's values must number the product of its shape.
pub fn write(tensors: &[(&str, &[usize], &[f32])], metadata: &BTreeMap<String, String>) -> Vec<u8> {
    let mut header = String::from("{");
    if !metadata.is_empty() {
        header.push_str("\"__metadata__\":{");
        for (i, (k, v)) in metadata.iter().enumerate() {
            if i > 0 {
                header.push(',');
            }
            push_json_string(&mut header, k);
            header.push(':');
            push_json_string(&mut header, v);
        }
        header.push('}');
    }
    let mut offset = 0;
    for (i, &(name, shape, values)) in tensors.iter().enumerate() {
        assert_eq!(
            shape.iter().product::<usize>(),
            values.len(),
            "tensor {name}: shape {shape:?} and values disagree"
        );
        if i > 0 || !metadata.is_empty() {
            header.push(',');
        }
        push_json_string(&mut header, name);
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        let end = offset + 4 * values.len();
        header.push_str(&format!(
            ":{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{offset},{end}]}}",
            dims.join(",")
        ));
        offset = end;
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(8 + header.len() + offset);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for &(_, _, values) in tensors {
        out.extend(values.iter().flat_map(|v| v.to_le_bytes()));
    }
    out
}

/// A JSON value of the header: nothing else is read.
#[derive(Debug)]
enum Json {
    Str(String),
    Int(u64),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// A reader of the header's JSON.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("the header's JSON: {what} at byte {}", self.i))
    }
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(|b| b" \t\r\n".contains(b)) {
            self.i += 1;
        }
    }
    fn eat(&mut self, b: u8) -> Result<(), String> {
        self.ws();
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            Ok(())
        } else {
            self.err(&format!("expected '{}'", b as char))
        }
    }
    /// `open` item (`,` item)* `close`, or `open` `close`.
    fn list(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), String>,
    ) -> Result<(), String> {
        self.eat(open)?;
        self.ws();
        if self.s.get(self.i) == Some(&close) {
            self.i += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(&c) if c == close => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.err(&format!("expected ',' or '{}'", close as char)),
            }
        }
    }
    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > 3 {
            return self.err("nesting deeper than a safetensors header");
        }
        self.ws();
        match self.s.get(self.i) {
            Some(b'"') => self.string().map(Json::Str),
            Some(b'0'..=b'9') => self.int().map(Json::Int),
            Some(b'[') => {
                let mut items = Vec::new();
                self.list(b'[', b']', |p| {
                    items.push(p.value(depth + 1)?);
                    Ok(())
                })?;
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                let mut fields = Vec::new();
                self.list(b'{', b'}', |p| {
                    p.ws();
                    let k = p.string()?;
                    p.eat(b':')?;
                    fields.push((k, p.value(depth + 1)?));
                    Ok(())
                })?;
                Ok(Json::Object(fields))
            }
            _ => self.err("expected a string, a non-negative integer, an array or an object (nothing else is in a safetensors header)"),
        }
    }
    fn int(&mut self) -> Result<u64, String> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        if matches!(self.s.get(self.i), Some(b'.' | b'e' | b'E')) {
            return self.err("a fraction or exponent (only integers are read)");
        }
        let digits = std::str::from_utf8(&self.s[start..self.i]).expect("ASCII digits");
        digits.parse().or_else(|_| self.err("an integer too large"))
    }
    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .and_then(|h| std::str::from_utf8(h).ok());
        let v = h.and_then(|h| u32::from_str_radix(h, 16).ok());
        self.i += 4;
        v.map_or_else(|| self.err("a bad \\u escape"), Ok)
    }
    fn string(&mut self) -> Result<String, String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.i;
            while self
                .s
                .get(self.i)
                .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.i += 1;
            }
            let run = std::str::from_utf8(&self.s[start..self.i])
                .or_else(|_| self.err("text that is not UTF-8"))?;
            out.push_str(run);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let e = self.s.get(self.i).copied();
                    self.i += 1;
                    match e {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let mut u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return self.err("a lone surrogate");
                                }
                                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                            }
                            out.push(
                                char::from_u32(u)
                                    .map_or_else(|| self.err("a lone surrogate"), Ok)?,
                            );
                        }
                        _ => return self.err("a bad escape"),
                    }
                }
                Some(_) => return self.err("a control character in a string"),
                None => return self.err("an unterminated string"),
            }
        }
    }
}

/// One tensor's entry of the header.
fn tensor_entry(name: &str, v: &Json) -> Result<(Vec<usize>, usize, usize), String> {
    let Json::Object(fields) = v else {
        return Err(format!("tensor {name:?}: its entry is not an object"));
    };
    let get = |k: &str| fields.iter().find(|f| f.0 == k).map(|f| &f.1);
    let ints = |k: &str| -> Result<Vec<usize>, String> {
        match get(k) {
            Some(Json::Array(a)) => {
                a.iter()
                    .map(|x| match x {
                        Json::Int(n) => usize::try_from(*n)
                            .map_err(|_| format!("tensor {name:?}: {k} too large")),
                        _ => Err(format!(
                            "tensor {name:?}: {k} holds something other than integers"
                        )),
                    })
                    .collect()
            }
            _ => Err(format!("tensor {name:?}: no {k} array")),
        }
    };
    match get("dtype") {
        Some(Json::Str(d)) if d == "F32" => {}
        Some(Json::Str(d)) => {
            return Err(format!("tensor {name:?} is {d}; only F32 tensors are read"))
        }
        _ => return Err(format!("tensor {name:?}: no dtype")),
    }
    if let Some((k, _)) = fields
        .iter()
        .find(|f| !["dtype", "shape", "data_offsets"].contains(&f.0.as_str()))
    {
        return Err(format!("tensor {name:?}: unknown field {k:?}"));
    }
    let shape = ints("shape")?;
    let offsets = ints("data_offsets")?;
    let [begin, end] = offsets[..] else {
        return Err(format!(
            "tensor {name:?}: data_offsets must be [begin, end]"
        ));
    };
    let n = shape
        .iter()
        .try_fold(4usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| format!("tensor {name:?}: shape {shape:?} too large"))?;
    if end < begin || end - begin != n {
        return Err(format!(
            "tensor {name:?}: data_offsets [{begin}, {end}] do not hold shape {shape:?} of F32"
        ));
    }
    Ok((shape, begin, end))
}

/// The tensors (in the order of their data) and the metadata of a safetensors file of F32
/// tensors; an error says what is wrong with anything else.
pub fn read(bytes: &[u8]) -> Result<(Vec<Tensor>, BTreeMap<String, String>), String> {
    let len: [u8; 8] = bytes
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .ok_or("not a safetensors file: shorter than its 8-byte header length")?;
    let n = u64::from_le_bytes(len);
    if n > MAX_HEADER as u64 || n > (bytes.len() - 8) as u64 {
        return Err(format!(
            "not a safetensors file: a header of {n} bytes in a file of {}",
            bytes.len()
        ));
    }
    let (header, data) = bytes[8..].split_at(n as usize);
    if header.first() != Some(&b'{') {
        return Err("not a safetensors file: the header does not start with '{'".into());
    }
    let mut p = Parser { s: header, i: 0 };
    let Json::Object(entries) = p.value(0)? else {
        unreachable!("a header starting with '{{' parses as an object or fails");
    };
    p.ws();
    if p.i != header.len() {
        return p.err("more after the header's object");
    }
    let count = entries.iter().filter(|e| e.0 != "__metadata__").count();
    if count > MAX_TENSORS {
        return Err(format!(
            "the header lists {} tensors; a weights file has at most {MAX_TENSORS}",
            crate::charts::thousands(count)
        ));
    }
    let mut metadata = BTreeMap::new();
    let mut tensors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (name, v) in &entries {
        if name == "__metadata__" {
            let Json::Object(m) = v else {
                return Err("__metadata__ is not an object".into());
            };
            for (k, v) in m {
                let Json::Str(s) = v else {
                    return Err(format!("__metadata__ {k:?} is not a string"));
                };
                metadata.insert(k.clone(), s.clone());
            }
        } else {
            if !seen.insert(name) {
                return Err(format!("tensor {name:?} appears twice"));
            }
            tensors.push((name, tensor_entry(name, v)?));
        }
    }
    // The data must be covered exactly: no hole, no overlap, nothing past the end.
    tensors.sort_by_key(|t| (t.1 .1, t.1 .2));
    let mut at = 0;
    for (name, (_, begin, end)) in &tensors {
        if *begin != at {
            return Err(format!("tensor {name:?} starts at byte {begin} of the data, not {at}: a hole or an overlap"));
        }
        at = *end;
    }
    if at != data.len() {
        return Err(format!(
            "the tensors cover {at} bytes of data; the file has {}",
            data.len()
        ));
    }
    let out = tensors
        .into_iter()
        .map(|(name, (shape, begin, end))| {
            let values = data[begin..end]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
                .collect();
            (name.clone(), shape, values)
        })
        .collect();
    Ok((out, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header of `n` empty tensors `t0`, `t1`, ... (each at offset 0), with no data.
    fn empty_tensors(n: usize) -> Vec<u8> {
        let names: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
        let tensors: Vec<(&str, &[usize], &[f32])> = names
            .iter()
            .map(|s| (s.as_str(), &[0usize][..], &[][..]))
            .collect();
        write(&tensors, &BTreeMap::new())
    }

    #[test]
    fn a_header_of_tens_of_thousands_of_tensors_is_refused_by_its_count() {
        // 76,259 empty tensors once took ~3e9 name comparisons before any other check.
        let e = read(&empty_tensors(76_259)).unwrap_err();
        assert_eq!(
            e,
            format!("the header lists 76,259 tensors; a weights file has at most {MAX_TENSORS}")
        );
        assert!(read(&empty_tensors(MAX_TENSORS)).is_ok());
    }

    #[test]
    fn a_name_twice_is_refused() {
        let bytes = write(
            &[("a", &[1][..], &[1.0][..]), ("b", &[1][..], &[2.0][..])],
            &BTreeMap::new(),
        );
        let text = String::from_utf8_lossy(&bytes).replace("\"b\"", "\"a\"");
        assert_eq!(
            read(text.as_bytes()).unwrap_err(),
            "tensor \"a\" appears twice"
        );
    }
}
