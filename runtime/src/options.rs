//! FFISAN_OPTIONS: declared once in one table, from which defaults, the parser and help=1 come.
//! The field names are the interface other modules use.

use crate::errors::FixedStr;
use core::cell::UnsafeCell;
use core::fmt::Write;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ManagedPolicy {
    Window,
    Strict,
    Off,
}

/// What a `log_path` or `json_path` that cannot be opened does to the program.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathError {
    /// Stop at start with the OS's reason (ASan stops too: CI relies on the report's file).
    Fatal,
    /// Say why and go on (text reports then go to stderr, JSON nowhere).
    Warn,
}

/// A value type an option can have: how it is parsed, shown in help=1, and what a bad value expects.
trait OptionValue: Sized {
    const EXPECTED: &'static str;
    fn parse(text: &str) -> Option<Self>;
    fn show(&self, out: &mut FixedStr<512>);
}

impl OptionValue for bool {
    const EXPECTED: &'static str = "0 or 1";
    fn parse(text: &str) -> Option<bool> {
        match text {
            "1" | "true" | "yes" => Some(true),
            "0" | "false" | "no" => Some(false),
            _ => None,
        }
    }
    fn show(&self, out: &mut FixedStr<512>) {
        out.push_str(if *self { "1" } else { "0" });
    }
}

impl OptionValue for i32 {
    const EXPECTED: &'static str = "an integer";
    fn parse(text: &str) -> Option<i32> {
        text.parse().ok()
    }
    fn show(&self, out: &mut FixedStr<512>) {
        let _ = write!(out, "{self}");
    }
}

impl OptionValue for u32 {
    const EXPECTED: &'static str = "a non-negative integer";
    fn parse(text: &str) -> Option<u32> {
        text.parse().ok()
    }
    fn show(&self, out: &mut FixedStr<512>) {
        let _ = write!(out, "{self}");
    }
}

impl OptionValue for usize {
    const EXPECTED: &'static str = "a non-negative integer";
    fn parse(text: &str) -> Option<usize> {
        text.parse().ok()
    }
    fn show(&self, out: &mut FixedStr<512>) {
        let _ = write!(out, "{self}");
    }
}

impl OptionValue for FixedStr<256> {
    const EXPECTED: &'static str = "a path of at most 255 bytes";
    fn parse(text: &str) -> Option<Self> {
        (text.len() < 256).then(|| FixedStr::from_str(text))
    }
    fn show(&self, out: &mut FixedStr<512>) {
        let _ = write!(out, "\"{}\"", self.as_str());
    }
}

impl OptionValue for ManagedPolicy {
    const EXPECTED: &'static str = "window, strict or off";
    fn parse(text: &str) -> Option<ManagedPolicy> {
        match text {
            "window" => Some(ManagedPolicy::Window),
            "strict" => Some(ManagedPolicy::Strict),
            "off" => Some(ManagedPolicy::Off),
            _ => None,
        }
    }
    fn show(&self, out: &mut FixedStr<512>) {
        out.push_str(match self {
            ManagedPolicy::Window => "window",
            ManagedPolicy::Strict => "strict",
            ManagedPolicy::Off => "off",
        });
    }
}

impl OptionValue for PathError {
    const EXPECTED: &'static str = "fatal or warn";
    fn parse(text: &str) -> Option<PathError> {
        match text {
            "fatal" => Some(PathError::Fatal),
            "warn" => Some(PathError::Warn),
            _ => None,
        }
    }
    fn show(&self, out: &mut FixedStr<512>) {
        out.push_str(match self {
            PathError::Fatal => "fatal",
            PathError::Warn => "warn",
        });
    }
}

/// The table: every option with its type, default and one-line meaning (modelled on asan_flags.inc).
macro_rules! ffisan_options {
    ($m:ident) => {
        $m! {
            halt_on_error: bool = true,
                "stop at the first finding (0: report each distinct finding once and go on)";
            exitcode: i32 = 1,
                "exit status of a process that had a finding";
            log_path: FixedStr<256> = FixedStr::from_const("stderr"),
                "where text reports go: stderr, stdout or a file (gets .PID appended; %p is the pid)";
            json_path: FixedStr<256> = FixedStr::from_const(""),
                "also write one JSON line per finding to this file (%p is the pid); empty: none";
            suppressions: FixedStr<256> = FixedStr::from_const(""),
                "file of kind:glob lines; findings whose stack matches are not reported";
            quarantine_size_mb: usize = 256,
                "freed C-heap memory kept poisoned to catch use-after-free, in MiB";
            managed_policy: ManagedPolicy = ManagedPolicy::Window,
                "native access to managed memory: window (only inside a call window), strict, off";
            detect_stack_use_after_return: bool = true,
                "report accesses to dead stack frames";
            detect_stack_use_after_scope: bool = true,
                "report accesses to a local after its scope ended (locals in fake frames)";
            symbolize: bool = true,
                "symbolize stacks with llvm-symbolizer (0: module+offset only)";
            malloc_context_size: usize = 16,
                "frames recorded for allocation and free stacks";
            verbosity: u32 = 0,
                "1: print runtime notes (how many findings were suppressed, options the program's __asan_default_options names that ffisan has not, the leak check's time); 2: also each mmap seen and, at exit, how many allocation and free stacks were walked; 3: also the root that keeps each chunk from being a leak";
            detect_leaks: bool = true,
                "at exit, report C-heap chunks no root reaches (like LeakSanitizer)";
            leak_check_at_exit: bool = true,
                "run the leak check at exit (0: only when the program calls __lsan_do_leak_check)";
            background_prefault: bool = true,
                "fault fresh heap pages in ahead of the allocator on a helper thread";
            alloc_dealloc_mismatch: bool = true,
                "report a chunk ended by the wrong family: malloc/delete, new/free, new[]/delete";
            new_delete_type_mismatch: bool = true,
                "report a sized or aligned delete whose size or alignment is not the chunk's";
            report_path_error: PathError = PathError::Fatal,
                "a log_path or json_path that cannot be opened: fatal (stop at start, with the reason) or warn";
            handle_segv: bool = true,
                "report a SIGSEGV with its stack (unless the program has its own handler)";
            handle_sigbus: bool = true,
                "report a SIGBUS with its stack (unless the program has its own handler)";
            handle_sigfpe: bool = true,
                "report a SIGFPE with its stack (unless the program has its own handler)";
            handle_abort: bool = false,
                "report a SIGABRT (abort, failed assert) with its stack";
            use_sigaltstack: bool = true,
                "run the deadly-signal handler on an alternate stack, so a stack overflow is reported";
            allow_user_poisoning: bool = true,
                "honour __asan_poison_memory_region and __asan_unpoison_memory_region";
            detect_container_overflow: bool = true,
                "honour __sanitizer_annotate_contiguous_container (std::vector past size())";
            help: bool = false,
                "print these options and go on";
        }
    };
}

macro_rules! define_struct {
    ($($name:ident: $ty:ty = $default:expr, $doc:literal;)*) => {
        pub struct Options {
            $(#[doc = $doc] pub $name: $ty,)*
        }

        impl Options {
            pub const DEFAULT: Options = Options { $($name: $default,)* };

            /// Sets one option from its text; Err(expected) for a bad value, None for an unknown key.
            fn set(&mut self, key: &str, value: &str) -> Option<Result<(), &'static str>> {
                match key {
                    $(stringify!($name) => Some(match <$ty as OptionValue>::parse(value) {
                        Some(v) => {
                            self.$name = v;
                            Ok(())
                        }
                        None => Err(<$ty as OptionValue>::EXPECTED),
                    }),)*
                    _ => None,
                }
            }
        }

        /// Every option name, comma-separated, for error messages.
        const VALID_KEYS: &str = concat!($(stringify!($name), ", ",)*);

        /// One help line per option: name, default, meaning.
        fn print_help() {
            let defaults = Options::DEFAULT;
            crate::sync::write_stderr(b"Available FFISAN_OPTIONS (key=value, separated by ':'):\n");
            $(
                let mut line = FixedStr::<512>::new();
                let _ = write!(line, "  {:<30} default ", stringify!($name));
                defaults.$name.show(&mut line);
                let _ = writeln!(line, "  {}", $doc);
                crate::sync::write_stderr(line.as_str().as_bytes());
            )*
        }
    };
}

ffisan_options!(define_struct);

struct OptionsCell(UnsafeCell<Options>);
// Written only by `init`, from the library constructor, before any other thread can look.
unsafe impl Sync for OptionsCell {}

static OPTIONS: OptionsCell = OptionsCell(UnsafeCell::new(Options::DEFAULT));

/// Parses `key=value:key=value` onto `options`. Err is the one-line message to print.
pub fn parse_into(options: &mut Options, text: &str) -> Result<(), String> {
    parse_with(options, text, "FFISAN_OPTIONS", &mut |_| false)
}

/// `parse_into` for `source` (named in messages); `skip_unknown` says whether an unknown key is
/// passed over instead of being an error.
fn parse_with(
    options: &mut Options,
    text: &str,
    source: &str,
    skip_unknown: &mut dyn FnMut(&str) -> bool,
) -> Result<(), String> {
    for item in text.split(':') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (key, value) = match item.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (item, ""),
        };
        let mut message = String::new();
        match options.set(key, value) {
            Some(Ok(())) => {}
            Some(Err(expected)) => {
                let _ = write!(
                    message,
                    "ffisan: error: bad value '{value}' for option '{key}' in {source} (expected {expected})"
                );
                return Err(message);
            }
            None if skip_unknown(key) => {}
            None => {
                let valid = VALID_KEYS.trim_end_matches(", ");
                let _ = write!(
                    message,
                    "ffisan: error: unknown option '{key}' in {source} (valid: {valid})"
                );
                return Err(message);
            }
        }
    }
    Ok(())
}

/// The options string of the program's `__asan_default_options`, if it defines one (the
/// runtime's own definition, which the loader finds otherwise, says nothing).
fn program_default_options() -> Option<&'static str> {
    let f = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"__asan_default_options".as_ptr()) };
    if f.is_null() {
        return None;
    }
    // SAFETY: the interface's declaration, `const char *__asan_default_options(void)`.
    let f: extern "C" fn() -> *const libc::c_char = unsafe { core::mem::transmute(f) };
    let text = f();
    if text.is_null() {
        return None;
    }
    core::str::from_utf8(unsafe { core::ffi::CStr::from_ptr(text) }.to_bytes()).ok()
}

fn die_with(message: &str) -> ! {
    crate::sync::write_stderr(message.as_bytes());
    crate::sync::die(b"\n");
}

/// Parses the program's `__asan_default_options` (written for ASan: keys ffisan has not are
/// passed over, and named at verbosity=1), then FFISAN_OPTIONS, which wins; a bad key or value
/// of FFISAN_OPTIONS is a one-line error and exit 1.
pub fn init() {
    let options = unsafe { &mut *OPTIONS.0.get() };
    let mut skipped = Vec::new();
    if let Some(text) = program_default_options() {
        let mut skip = |key: &str| {
            skipped.push(key.to_string());
            true
        };
        if let Err(message) = parse_with(options, text, "__asan_default_options", &mut skip) {
            die_with(&message);
        }
    }
    let raw = unsafe { libc::getenv(c"FFISAN_OPTIONS".as_ptr()) };
    if !raw.is_null() {
        let bytes = unsafe { core::ffi::CStr::from_ptr(raw) }.to_bytes();
        let Ok(text) = core::str::from_utf8(bytes) else {
            crate::sync::die(b"ffisan: error: FFISAN_OPTIONS is not valid UTF-8\n");
        };
        if let Err(message) = parse_into(options, text) {
            die_with(&message);
        }
    }
    if options.verbosity >= 1 {
        for key in &skipped {
            let line = format!("ffisan: note: __asan_default_options names '{key}', which ffisan does not have; ignored\n");
            crate::sync::write_stderr(line.as_bytes());
        }
    }
    if options.help {
        print_help();
    }
}

/// The options in force (defaults before init).
pub fn get() -> &'static Options {
    unsafe { &*OPTIONS.0.get() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_type() {
        let mut o = Options::DEFAULT;
        parse_into(
            &mut o,
            "halt_on_error=0:exitcode=23:log_path=/tmp/x.%p:managed_policy=strict:verbosity=2",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!o.halt_on_error);
        assert_eq!(o.exitcode, 23);
        assert_eq!(o.log_path.as_str(), "/tmp/x.%p");
        assert_eq!(o.managed_policy, ManagedPolicy::Strict);
        assert_eq!(o.verbosity, 2);
        assert_eq!(o.quarantine_size_mb, 256);
    }

    #[test]
    fn unknown_key_names_the_valid_ones() {
        let mut o = Options::DEFAULT;
        let e = parse_into(&mut o, "symbolize=1:foo=2").err().unwrap();
        assert!(e.starts_with("ffisan: error: unknown option 'foo' in FFISAN_OPTIONS (valid: halt_on_error, exitcode,"));
        assert!(e.ends_with("detect_container_overflow, help)"));
    }

    #[test]
    fn bad_value_says_what_was_expected() {
        let mut o = Options::DEFAULT;
        let e = parse_into(&mut o, "managed_policy=sometimes")
            .err()
            .unwrap();
        assert_eq!(
            e,
            "ffisan: error: bad value 'sometimes' for option 'managed_policy' in FFISAN_OPTIONS (expected window, strict or off)"
        );
        assert!(parse_into(&mut o, "exitcode=abc").is_err());
        assert!(parse_into(&mut o, "halt_on_error").is_err());
    }

    #[test]
    fn empty_items_are_skipped() {
        let mut o = Options::DEFAULT;
        assert!(parse_into(&mut o, "::symbolize=0:").is_ok());
        assert!(!o.symbolize);
    }
}
