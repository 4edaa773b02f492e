//! Reads JSON Lines findings; every problem is an error naming the file and line, never a panic.

use super::{Finding, SCHEMA_VERSION};
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;
use std::path::Path;

/// Reads a findings file. A zero-byte file means no findings (the runtime writes nothing for a
/// clean run); a blank line, a truncated line or anything that is not a finding is an error.
pub fn read_file(path: &Path) -> Result<Vec<Finding>> {
    read_file_from(path, 0)
}

/// Reads the findings a run appended to `path` after its first `offset` bytes.
pub fn read_file_from(path: &Path, offset: u64) -> Result<Vec<Finding>> {
    let name = path.display().to_string();
    let bytes =
        std::fs::read(path).with_context(|| format!("{name}: cannot read the findings file"))?;
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let lines_before = bytes[..start].iter().filter(|&&b| b == b'\n').count();
    parse_findings(&name, &bytes[start..], lines_before + 1)
}

/// Parses JSON Lines text whose first line is line `first_line` of the file called `name`.
pub fn parse_findings(name: &str, bytes: &[u8], first_line: usize) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    let mut pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    // The text after the last newline: empty for a complete file.
    if pieces.last().is_some_and(|last| last.is_empty()) {
        pieces.pop();
    }
    let complete_lines = bytes.iter().filter(|&&b| b == b'\n').count();
    for (index, raw) in pieces.into_iter().enumerate() {
        let line_no = first_line + index;
        let unterminated = index >= complete_lines;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let finding = parse_line(raw, unterminated).map_err(|e| anyhow!("{name}:{line_no}:{e}"))?;
        findings.push(finding);
    }
    Ok(findings)
}

/// One line; the error text starts with the column (or a space) to follow `file:line:`.
fn parse_line(raw: &[u8], unterminated: bool) -> Result<Finding> {
    let text = match std::str::from_utf8(raw) {
        Ok(text) => text,
        Err(e) => bail!(
            " not UTF-8 text (invalid byte at column {})",
            e.valid_up_to() + 1
        ),
    };
    if text.trim().is_empty() {
        bail!(" empty line: expected one finding (a JSON object) per line");
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_eof() {
            if unterminated {
                "truncated finding (the file ends in the middle of it; was the program killed while writing?)"
            } else {
                "truncated finding (the line ends in the middle of a JSON value)"
            }
        } else {
            "malformed JSON"
        };
        anyhow!("{}: {what}: {}", e.column(), without_position(&e))
    })?;
    let Some(object) = value.as_object() else {
        bail!(
            " expected a JSON object (one finding), found {}",
            json_type(&value)
        );
    };
    match object.get("version") {
        None => bail!(" not a finding: missing field `version`"),
        Some(v) if v.as_u64() == Some(SCHEMA_VERSION) => {}
        Some(v) => {
            bail!(" unsupported report version {v} (this ffisan reads version {SCHEMA_VERSION})")
        }
    }
    Finding::deserialize(&value).map_err(|e| anyhow!(" not a finding: {}", without_position(&e)))
}

/// serde_json appends " at line L column C"; the caller already says where.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const UAF: &str = r#"{"version":1,"kind":"heap-use-after-free","access":"read","size":1,"address":"0x7f0000000010","pc":"0x555555555123","region":"freed","region_name":"6-byte chunk","region_lo":"0x7f0000000010","region_hi":"0x7f0000000016","domain":"c","thread":0,"window_open":false,"pid":4242,"stack":[{"pc":"0x555555555123","function":"use_name","file":"/src/uaf.c","line":12,"column":9,"module":"/src/a.out"},{"pc":"0x555555555200","function":"main","file":"/src/uaf.c","line":20,"column":3,"module":"/src/a.out"}],"alloc_stack":[{"pc":"0x7f1","function":"malloc","file":null,"line":0,"column":0,"module":"/lib/libffisan_rt.so"}],"alloc_thread":0,"free_stack":[],"free_thread":null}"#;

    fn parse(text: &str) -> Result<Vec<Finding>> {
        parse_findings("report.jsonl", text.as_bytes(), 1)
    }

    fn error(text: &str) -> String {
        format!("{:#}", parse(text).unwrap_err())
    }

    #[test]
    fn reads_findings() {
        let findings = parse(&format!("{UAF}\n{UAF}\n")).unwrap();
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].kind, "heap-use-after-free");
        assert_eq!(findings[0].stack[1].line, 20);
        assert_eq!(findings[0].alloc_stack[0].file, None);
        assert_eq!(findings[0].free_thread, None);
    }

    #[test]
    fn empty_file_is_no_findings_and_last_newline_is_optional() {
        assert!(parse("").unwrap().is_empty());
        assert_eq!(parse(UAF).unwrap().len(), 1);
        assert_eq!(parse(&format!("{UAF}\r\n")).unwrap().len(), 1);
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let truncated = format!("{UAF}\n{UAF}\n{}", &UAF[..100]);
        assert!(
            error(&truncated).starts_with("report.jsonl:3:100: truncated finding (the file ends"),
            "{}",
            error(&truncated)
        );
        assert_eq!(
            error(&format!("{UAF}\n\n{UAF}\n")),
            "report.jsonl:2: empty line: expected one finding (a JSON object) per line"
        );
        assert!(error("{\"version\":1,}\n").starts_with("report.jsonl:1:14: malformed JSON: "));
        assert_eq!(
            error("[1,2]\n"),
            "report.jsonl:1: expected a JSON object (one finding), found an array"
        );
        assert_eq!(
            error("{\"kind\":\"x\"}\n"),
            "report.jsonl:1: not a finding: missing field `version`"
        );
        assert_eq!(
            error("{\"version\":2}\n"),
            "report.jsonl:1: unsupported report version 2 (this ffisan reads version 1)"
        );
        assert_eq!(
            error("{\"version\":1,\"kind\":\"x\"}\n"),
            "report.jsonl:1: not a finding: missing field `access`"
        );
        let wrong_type = UAF.replace("\"size\":1", "\"size\":\"one\"");
        assert!(error(&wrong_type)
            .starts_with("report.jsonl:1: not a finding: invalid type: string \"one\""));
        assert!(error(&format!("{UAF} {UAF}")).contains("trailing characters"));
    }

    #[test]
    fn line_numbers_count_from_the_offset() {
        let err = parse_findings("r.jsonl", b"oops\n", 7).unwrap_err();
        assert!(format!("{err:#}").starts_with("r.jsonl:7:"));
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        assert_eq!(
            format!(
                "{:#}",
                parse_findings("r.jsonl", b"{\"a\xff\"}\n", 1).unwrap_err()
            ),
            "r.jsonl:1: not UTF-8 text (invalid byte at column 4)"
        );
    }

    /// Every file under tests/corpus: `ok-*` must read, `err-*` must fail with `name:line:` first.
    #[test]
    fn corpus_of_nasty_inputs() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let result = read_file(&path);
            seen += 1;
            if name.starts_with("ok-") {
                assert!(result.is_ok(), "{name}: {:#}", result.unwrap_err());
            } else {
                let message = format!("{:#}", result.expect_err(&name));
                let prefix = format!("{}:", path.display());
                let rest = message
                    .strip_prefix(&prefix)
                    .unwrap_or_else(|| panic!("{name}: {message}"));
                assert!(
                    rest.starts_with(|c: char| c.is_ascii_digit()),
                    "{name}: no line number: {message}"
                );
            }
        }
        assert!(seen >= 20, "corpus went missing: {seen} files");
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Arbitrary bytes never panic; an error always names the file and a line.
            #[test]
            fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
                if let Err(error) = parse_findings("f.jsonl", &bytes, 1) {
                    let message = format!("{error:#}");
                    prop_assert!(message.starts_with("f.jsonl:"), "{}", message);
                }
            }

            /// A real finding cut, spliced or with a byte replaced: an error or a finding, never a panic.
            #[test]
            fn mangled_findings(cut in 0..UAF.len(), at in 0..UAF.len(), byte in any::<u8>(), lines in 1..4usize) {
                let mut mangled = UAF.as_bytes().to_vec();
                mangled[at] = byte;
                mangled.truncate(cut.max(at + 1));
                let mut text = Vec::new();
                for _ in 0..lines {
                    text.extend_from_slice(UAF.as_bytes());
                    text.push(b'\n');
                }
                text.extend_from_slice(&mangled);
                match parse_findings("f.jsonl", &text, 1) {
                    Ok(findings) => prop_assert_eq!(findings.len(), lines + 1),
                    Err(error) => {
                        let expected = format!("f.jsonl:{}:", lines + 1);
                        prop_assert!(format!("{error:#}").starts_with(&expected), "{:#}", error);
                    }
                }
            }

            /// Valid JSON of the wrong shape is an error, not a panic.
            #[test]
            fn json_values_of_any_shape(value in json_value()) {
                let text = format!("{value}\n");
                let _ = parse_findings("f.jsonl", text.as_bytes(), 1);
            }
        }

        fn json_value() -> impl Strategy<Value = serde_json::Value> {
            let leaf = prop_oneof![
                Just(serde_json::Value::Null),
                any::<bool>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                any::<f64>()
                    .prop_filter("finite", |f| f.is_finite())
                    .prop_map(serde_json::Value::from),
                "[a-z0-9_-]{0,12}".prop_map(serde_json::Value::from),
            ];
            leaf.prop_recursive(4, 64, 8, |inner| {
                let keys = prop_oneof![
                    Just("version".to_string()),
                    Just("kind".to_string()),
                    Just("stack".to_string()),
                    Just("size".to_string()),
                    Just("line".to_string()),
                    "[a-z_]{1,8}",
                ];
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..6)
                        .prop_map(serde_json::Value::from),
                    proptest::collection::btree_map(keys, inner, 0..8)
                        .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
                ]
            })
        }
    }
}
