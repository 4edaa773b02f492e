//! Suppressions: a file of `kind:glob` lines; a finding whose error stack has a frame whose
//! function, source file or module matches the glob (for its kind) is not reported.

use crate::errors::ErrorKind;
use crate::sync::SpinLock;
use crate::traces::Frame;

pub struct Suppression {
    pub kind: ErrorKind,
    pub glob: String,
}

static RULES: SpinLock<Vec<Suppression>> = SpinLock::new(Vec::new());

/// Parses the file's text. Err is the one-line message (naming file and line) to print.
pub fn parse(path: &str, text: &str) -> Result<Vec<Suppression>, String> {
    let mut rules = Vec::new();
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let where_ = format!(
            "ffisan: error: suppressions file '{path}' line {}",
            number + 1
        );
        let Some((kind, glob)) = line.split_once(':') else {
            return Err(format!("{where_}: expected 'kind:pattern', got '{line}'"));
        };
        // `leak:` is LeakSanitizer's spelling, so an existing suppressions file works as is.
        let name = kind.trim();
        let kind = match name {
            "leak" => Some(ErrorKind::MemoryLeak),
            other => ErrorKind::from_name(other),
        };
        let Some(kind) = kind else {
            let valid: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
            return Err(format!(
                "{where_}: unknown kind '{name}' (valid: {})",
                valid.join(", ")
            ));
        };
        let glob = glob.trim();
        if glob.is_empty() {
            return Err(format!("{where_}: empty pattern"));
        }
        rules.push(Suppression {
            kind,
            glob: glob.to_string(),
        });
    }
    Ok(rules)
}

/// `*` matches any run of characters (including '/'), `?` any one; everything else itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if let Some((star, from)) = backtrack {
            pi = star + 1;
            ti = from + 1;
            backtrack = Some((star, from + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A path matches by its full text or its last component ("uaf.c" matches "/src/uaf.c").
fn path_matches(glob: &str, path: &str) -> bool {
    glob_match(glob, path)
        || path
            .rsplit('/')
            .next()
            .is_some_and(|base| glob_match(glob, base))
}

pub fn matches_rules(rules: &[Suppression], kind: ErrorKind, frames: &[Frame]) -> bool {
    rules.iter().filter(|r| r.kind == kind).any(|r| {
        frames.iter().any(|f| {
            f.function
                .as_deref()
                .is_some_and(|s| glob_match(&r.glob, s))
                || f.file.as_deref().is_some_and(|s| path_matches(&r.glob, s))
                || f.module
                    .as_deref()
                    .is_some_and(|s| path_matches(&r.glob, s))
        })
    })
}

/// Reads the `suppressions` file if set; a missing file or a malformed line ends the process.
pub fn init() {
    let path = crate::options::get().suppressions.as_str();
    if path.is_empty() {
        return;
    }
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => fail(&format!(
            "ffisan: error: cannot read suppressions file '{path}': {e}"
        )),
    };
    match parse(path, &text) {
        Ok(rules) => *RULES.lock() = rules,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ! {
    crate::sync::write_stderr(message.as_bytes());
    crate::sync::die(b"\n")
}

/// Whether a finding of `kind` with this (symbolized) error stack is suppressed.
pub fn is_suppressed(kind: ErrorKind, frames: &[Frame]) -> bool {
    let rules = RULES.lock();
    !rules.is_empty() && matches_rules(&rules, kind, frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("leaky_*", "leaky_buffer"));
        assert!(glob_match("*", ""));
        assert!(glob_match("*/vendor/*.c", "/src/vendor/zlib/inflate.c"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("leaky_*", "not_leaky"));
        assert!(!glob_match("abc", "abcd"));
        assert!(glob_match("*a*b", "xaxxab"));
    }

    #[test]
    fn parses_and_matches() {
        let rules = parse(
            "s.txt",
            "# comment\n\nheap-use-after-free:use_*\n double-free : uaf.c \n",
        )
        .unwrap();
        assert_eq!(rules.len(), 2);
        let frame = Frame {
            function: Some("use_name".into()),
            file: Some("/src/uaf.c".into()),
            ..Frame::default()
        };
        assert!(matches_rules(
            &rules,
            ErrorKind::HeapUseAfterFree,
            std::slice::from_ref(&frame)
        ));
        assert!(matches_rules(
            &rules,
            ErrorKind::DoubleFree,
            std::slice::from_ref(&frame)
        ));
        assert!(!matches_rules(&rules, ErrorKind::InvalidFree, &[frame]));
        let leaks = parse("s.txt", "leak:make_*\n").unwrap();
        assert_eq!(leaks[0].kind, ErrorKind::MemoryLeak);
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let e = parse("s.txt", "heap-use-after-free:x\nnot-a-kind:y\n")
            .err()
            .unwrap();
        assert!(
            e.starts_with(
                "ffisan: error: suppressions file 's.txt' line 2: unknown kind 'not-a-kind'"
            ),
            "{e}"
        );
        let e = parse("s.txt", "\n\njust_a_function\n").err().unwrap();
        assert!(
            e.starts_with("ffisan: error: suppressions file 's.txt' line 3: expected"),
            "{e}"
        );
    }
}
