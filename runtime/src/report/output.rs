//! Reports: one finding at a time (a global lock keeps concurrent findings from interleaving),
//! printed as ASan-shaped text and one JSON line, then halt or go on (recover mode counts findings
//! and turns the exit status into `exitcode`).

use crate::errors::{
    Access, Detail, Domain, ErrorKind, FixedStr, GoObject, RegionInfo, RegionKind,
};
use crate::sync::SpinLock;
use crate::traces::Frame;
use crate::traces::StackTrace;
use core::fmt::Write;

/// One finding, as the detector saw it. Thread, window state and pid are added when reported.
pub struct Finding {
    pub kind: ErrorKind,
    pub access: Access,
    /// Bytes accessed (for a free: the chunk's size, 0 when it is not a chunk).
    pub size: usize,
    pub addr: usize,
    pub domain: Domain,
    pub region: RegionInfo,
    pub stack: StackTrace,
    /// Depot ids of the chunk's allocation and free stacks (0: none).
    pub alloc_stack: u32,
    pub free_stack: u32,
    /// What the kind says beyond the above (the two sides of an alloc-dealloc mismatch, ...).
    pub detail: Detail,
    /// The Go object a finding in the Go heap concerns, when the Go runtime's metadata names it.
    pub go_object: Option<GoObject>,
}

/// What a deadly signal adds to its finding: the registers of the faulting context and a hint.
pub struct SignalContext {
    pub signal: i32,
    pub pc: usize,
    pub bp: usize,
    pub sp: usize,
    /// Whether the kernel's error code said read or write (SIGSEGV and SIGBUS only).
    pub access_known: bool,
    pub hint: Option<&'static str>,
}

const SEEN_CAPACITY: usize = 4096;
const TEXT_BUFFER: usize = 16 * 1024;
const JSON_BUFFER: usize = 64 * 1024;

/// Where text reports go instead of `log_path`, once the program chose
/// (`__sanitizer_set_report_path`, `__sanitizer_set_report_fd`).
#[derive(Clone, Copy)]
#[allow(clippy::large_enum_variant)] // lives in the one static State; never moved about
enum LogOverride {
    None,
    Path(FixedStr<256>),
    Fd(i32),
}

pub(super) struct State {
    log_override: LogOverride,
    log: Option<(i32, libc::pid_t)>,
    json: Option<(i32, libc::pid_t)>,
    /// (kind, pc, suppressed) of findings already handled: recover mode reports each once, and a
    /// suppressed one is not symbolized again.
    seen: [(u8, usize, bool); SEEN_CAPACITY],
    seen_len: usize,
    pub(super) counts: [u32; ErrorKind::ALL.len()],
    pub(super) suppressed: u32,
    /// The leak report's text (`leaks.rs`).
    pub(super) text: [u8; TEXT_BUFFER],
    pub(super) json_text: [u8; JSON_BUFFER],
}

pub(super) static STATE: SpinLock<State> = SpinLock::new(State {
    log_override: LogOverride::None,
    text: [0; TEXT_BUFFER],
    log: None,
    json: None,
    seen: [(0, 0, false); SEEN_CAPACITY],
    seen_len: 0,
    counts: [0; ErrorKind::ALL.len()],
    suppressed: 0,
    json_text: [0; JSON_BUFFER],
});

/// A fixed buffer that writes itself to `fd` when full and when flushed: reports do not allocate
/// for their output, and a line that fits is written with one write(2).
pub(super) struct Out<'a> {
    fd: i32,
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Out<'a> {
    pub(super) fn new(fd: i32, buf: &'a mut [u8]) -> Self {
        Out { fd, buf, len: 0 }
    }
    pub(super) fn flush(&mut self) {
        crate::sync::write_fd(self.fd, &self.buf[..self.len]);
        self.len = 0;
    }
}

impl Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for chunk in s.as_bytes().chunks(self.buf.len()) {
            if self.len + chunk.len() > self.buf.len() {
                self.flush();
            }
            self.buf[self.len..self.len + chunk.len()].copy_from_slice(chunk);
            self.len += chunk.len();
        }
        Ok(())
    }
}

pub(super) fn pid() -> libc::pid_t {
    unsafe { libc::getpid() }
}

/// Expands `%p` to the pid; with `append_pid`, a path without `%p` gets `.PID` appended (ASan's log_path).
fn expand_path(path: &str, append_pid: bool) -> String {
    let pid = pid().to_string();
    if path.contains("%p") {
        path.replace("%p", &pid)
    } else if append_pid {
        format!("{path}.{pid}")
    } else {
        path.to_string()
    }
}

/// The OS's words for `errno`.
fn os_reason(errno: i32) -> String {
    let text = unsafe { libc::strerror(errno) };
    if text.is_null() {
        return format!("error {errno}");
    }
    unsafe { core::ffi::CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

/// Opens `path` for appending; Err is the OS's reason.
fn open_append(path: &str) -> Result<i32, String> {
    let c = std::ffi::CString::new(path).map_err(|_| "the path holds a NUL byte".to_string())?;
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND | libc::O_CLOEXEC,
            0o644 as libc::c_uint,
        )
    };
    if fd < 0 {
        return Err(os_reason(crate::sync::errno()));
    }
    Ok(fd)
}

/// Whether `path` could be opened for appending, asked without creating it (a run without
/// findings leaves no file, as under ASan); Err is the OS's reason.
fn can_append(path: &str) -> Result<(), String> {
    let c = std::ffi::CString::new(path).map_err(|_| "the path holds a NUL byte".to_string())?;
    if unsafe { libc::access(c.as_ptr(), libc::F_OK) } == 0 {
        if unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0 {
            return Ok(());
        }
        return Err(os_reason(crate::sync::errno()));
    }
    if crate::sync::errno() != libc::ENOENT {
        return Err(os_reason(crate::sync::errno())); // a part of the path is no directory, ...
    }
    let dir = match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    };
    let d = std::ffi::CString::new(dir).map_err(|_| "the path holds a NUL byte".to_string())?;
    if unsafe { libc::access(d.as_ptr(), libc::W_OK | libc::X_OK) } == 0 {
        return Ok(());
    }
    Err(os_reason(crate::sync::errno()))
}

/// The file behind `log_path` (None: stderr or stdout, which need no opening).
fn log_file(path: &str) -> Option<String> {
    match path {
        "" | "stderr" | "stdout" => None,
        _ => Some(expand_path(path, true)),
    }
}

/// At start: a `log_path` or `json_path` that cannot be opened stops the program with the OS's
/// reason (a CI that reads the report must not get a run without one), or with
/// `report_path_error=warn` only says so.
fn check_report_paths() {
    let options = crate::options::get();
    let json = options.json_path.as_str();
    let files = [
        ("log_path", log_file(options.log_path.as_str())),
        (
            "json_path",
            (!json.is_empty()).then(|| expand_path(json, false)),
        ),
    ];
    for (option, file) in files {
        let Some(file) = file else { continue };
        if let Err(reason) = can_append(&file) {
            report_path_failed(option, &file, &reason, true);
        }
    }
}

fn report_path_failed(option: &str, file: &str, reason: &str, at_start: bool) {
    let fatal =
        at_start && crate::options::get().report_path_error == crate::options::PathError::Fatal;
    let (level, then) = match (fatal, option) {
        (true, _) => ("error", " (report_path_error=warn goes on without it)"),
        (false, "log_path") => ("warning", "; reports go to stderr"),
        (false, _) => ("warning", "; no JSON findings are written"),
    };
    let line = format!("ffisan: {level}: cannot open {option} '{file}': {reason}{then}\n");
    crate::sync::write_stderr(line.as_bytes());
    if fatal {
        unsafe { libc::_exit(1) };
    }
}

/// The fd text reports go to (opened on first use, again in a forked child).
pub(super) fn log_fd(state: &mut State) -> i32 {
    let configured = crate::options::get().log_path;
    let path = match &state.log_override {
        LogOverride::Fd(fd) => return *fd,
        LogOverride::Path(p) => *p,
        LogOverride::None => configured,
    };
    match path.as_str() {
        "" | "stderr" => return 2,
        "stdout" => return 1,
        _ => {}
    }
    if let Some((fd, owner)) = state.log {
        if owner == pid() {
            return fd;
        }
    }
    let full = expand_path(path.as_str(), true);
    let fd = open_append(&full).unwrap_or_else(|reason| {
        report_path_failed("log_path", &full, &reason, false);
        2
    });
    state.log = Some((fd, pid()));
    fd
}

pub(super) fn json_fd(state: &mut State) -> Option<i32> {
    let path = crate::options::get().json_path.as_str();
    if path.is_empty() {
        return None;
    }
    if let Some((fd, owner)) = state.json {
        if owner == pid() {
            return (fd >= 0).then_some(fd);
        }
    }
    let full = expand_path(path, false);
    let fd = open_append(&full)
        .map_err(|reason| report_path_failed("json_path", &full, &reason, false))
        .ok();
    state.json = Some((fd.unwrap_or(-1), pid()));
    fd
}

/// `__sanitizer_set_report_path`: text reports go to PATH.PID from now on (or stderr, stdout).
pub fn set_report_path(path: &str) {
    let mut state = STATE.lock();
    state.log_override = LogOverride::Path(FixedStr::from_str(path));
    state.log = None;
}

/// `__sanitizer_set_report_fd`: text reports go to `fd` from now on.
pub fn set_report_fd(fd: i32) {
    STATE.lock().log_override = LogOverride::Fd(fd);
}

/// `__sanitizer_get_report_path`: the file text reports go to, if they go to one.
pub fn report_path() -> Option<String> {
    let state = STATE.lock();
    let path = match &state.log_override {
        LogOverride::Fd(_) => return None,
        LogOverride::Path(p) => *p,
        LogOverride::None => crate::options::get().log_path,
    };
    log_file(path.as_str())
}

/// The program's `__asan_set_error_report_callback` function, given each report's text.
static REPORT_CALLBACK: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);
/// The program's `__asan_on_error`, called as a finding is about to be reported (0: none).
static ON_ERROR: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

pub fn set_report_callback(callback: usize) {
    REPORT_CALLBACK.store(callback, core::sync::atomic::Ordering::Release);
}

/// The program's own definition of `weak_hook` (`__asan_on_error`, ...), or 0: what the loader
/// finds first unless it is the runtime's do-nothing one.
fn program_definition(weak_hook: &core::ffi::CStr) -> usize {
    let f = unsafe { libc::dlsym(libc::RTLD_DEFAULT, weak_hook.as_ptr()) } as usize;
    if crate::traces::in_runtime(f) {
        0
    } else {
        f
    }
}

/// The frames of `pcs`, symbolized. Past frame #0 (the runtime's entry point: `malloc`, `free`,
/// `memcpy`, ...) the runtime's own frames are left out: a thread's start routine is called from
/// the runtime's `thread_start`, which is no part of the program's story.
fn symbolize_stack(pcs: &[usize]) -> Vec<Frame> {
    let debug_info = crate::options::get().symbolize;
    let in_runtime = crate::traces::in_runtime;
    pcs.iter()
        .enumerate()
        .filter(|&(i, &pc)| i == 0 || !in_runtime(pc))
        .flat_map(|(_, &pc)| crate::traces::symbolize(pc, debug_info && !in_runtime(pc)))
        .collect()
}

/// Frame #0 of a finding a libc hook made: the libc function itself, at its address in libc, as
/// ASan's interceptor frame; the caller's line follows. Not when glibc's header made the call
/// from an inline wrapper of its own, which is already frame #0 and names the function called.
fn name_libc_call(stack: &mut Vec<Frame>, function: &'static str) {
    if stack
        .first()
        .and_then(|f| f.file.as_deref())
        .is_some_and(|file| file.starts_with("/usr/include/"))
    {
        return;
    }
    let mut name = [0u8; 64];
    let address = if function.len() < name.len() {
        name[..function.len()].copy_from_slice(function.as_bytes());
        // SAFETY: a NUL-terminated name; dlsym only looks it up.
        unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr().cast()) as usize }
    } else {
        0
    };
    let mut frame = crate::traces::symbolize(address + 1, false)
        .pop()
        .filter(|_| address != 0)
        .unwrap_or(Frame {
            pc: 0,
            function: None,
            file: None,
            line: 0,
            column: 0,
            module: None,
            module_offset: 0,
        });
    frame.pc = address;
    frame.module_offset = frame.module_offset.saturating_sub(1);
    frame.function = Some(function.to_string());
    (frame.file, frame.line, frame.column) = (None, 0, 0);
    stack.insert(0, frame);
}

/// A stored alloc/free stack: its thread and frames.
pub(super) fn depot_stack(id: u32) -> Option<(u32, Vec<Frame>)> {
    crate::traces::stack_depot::get(id).map(|s| (s.thread, symbolize_stack(s.pcs)))
}

/// Reports a finding (unless suppressed, or a repeat in recover mode), then halts or returns.
pub fn report(finding: &Finding) {
    report_guarded(finding, None);
}

/// Reports a deadly signal's finding; false if it was suppressed (or a repeat), so the caller
/// lets the signal take its default course. Returns only then, or in recover mode.
pub fn report_signal(finding: &Finding, signal: &SignalContext) -> bool {
    report_guarded(finding, Some(signal))
}

fn report_guarded(finding: &Finding, signal: Option<&SignalContext>) -> bool {
    if crate::thread_state::current().in_report.replace(true) {
        crate::sync::write_stderr(b"ffisan: a finding while reporting another one; ignored\n");
        return false;
    }
    let reported = report_locked(finding, signal);
    crate::thread_state::current().in_report.set(false);
    reported
}

fn report_locked(finding: &Finding, signal: Option<&SignalContext>) -> bool {
    let options = crate::options::get();
    let pc = signal.map_or(finding.stack.user_pc(), |s| s.pc);
    let kind_index = ErrorKind::ALL
        .iter()
        .position(|&k| k == finding.kind)
        .unwrap_or(0);
    let mut state = STATE.lock();
    let key = (kind_index as u8, pc);
    match state.seen[..state.seen_len]
        .iter()
        .find(|s| (s.0, s.1) == key)
    {
        Some(&(_, _, true)) => {
            state.suppressed += 1;
            return false;
        }
        Some(_) if !options.halt_on_error => return false,
        _ => {}
    }
    let mut stack = symbolize_stack(finding.stack.frames());
    if let Some(signal) = signal {
        // Frame #0 was recorded one past the faulting pc, so that the symbolizer looks it up
        // as it does every return address (`pc - 1`); it is printed as the pc itself.
        for frame in stack.iter_mut().filter(|f| f.pc == signal.pc + 1) {
            frame.pc = signal.pc;
        }
    }
    if let Detail::LibcCall { function } = finding.detail {
        name_libc_call(&mut stack, function);
    }
    let suppressed = crate::report::suppressions::is_suppressed(finding.kind, &stack);
    if state.seen_len < SEEN_CAPACITY {
        let n = state.seen_len;
        state.seen[n] = (key.0, key.1, suppressed);
        state.seen_len += 1;
    }
    if suppressed {
        state.suppressed += 1;
        return false;
    }
    state.counts[kind_index] += 1;
    let on_error = ON_ERROR.load(core::sync::atomic::Ordering::Acquire);
    if on_error != 0 {
        // SAFETY: `init` stored the program's `void __asan_on_error(void)`.
        unsafe { core::mem::transmute::<usize, extern "C" fn()>(on_error)() };
    }

    let heap = matches!(
        finding.region.kind,
        RegionKind::CHeap | RegionKind::Freed | RegionKind::HeapInterior
    );
    let alloc = if heap {
        depot_stack(finding.alloc_stack)
    } else {
        None
    };
    let free = if heap {
        depot_stack(finding.free_stack)
    } else {
        None
    };
    // The cgo wrapper that lent the object earlier, by name.
    let lent_by = finding
        .go_object
        .filter(|o| o.lent_by_pc != 0)
        .and_then(|o| crate::traces::symbolize(o.lent_by_pc, crate::options::get().symbolize).pop())
        .and_then(|f| f.function);
    let info = Context {
        finding,
        lent_by: lent_by.as_deref(),
        pc,
        thread: crate::threads::current_thread_number(),
        window_open: crate::thread_state::current().in_call_window(),
        pid: pid(),
        stack: &stack,
        alloc: alloc.as_ref(),
        free: free.as_ref(),
        signal,
    };

    let fd = log_fd(&mut state);
    let json = json_fd(&mut state);
    let mut text = String::new();
    let _ = info.write_text(&mut text);
    crate::sync::write_fd(fd, text.as_bytes());
    if let Some(fd) = json {
        let mut out = Out::new(fd, &mut state.json_text[..]);
        let _ = info.write_json(&mut out);
        out.flush();
    }
    let callback = REPORT_CALLBACK.load(core::sync::atomic::Ordering::Acquire);
    if callback != 0 {
        text.push('\0');
        // SAFETY: the program's `void (*)(const char *)` from `__asan_set_error_report_callback`.
        unsafe { core::mem::transmute::<usize, extern "C" fn(*const u8)>(callback)(text.as_ptr()) };
    }
    if options.halt_on_error || signal.is_some() {
        unsafe { libc::_exit(options.exitcode) };
    }
    true
}

/// `__sanitizer_print_stack_trace`: the calling thread's stack, symbolized, to the report's
/// destination (frame #0 the interface function the program called).
pub fn print_stack(trace: &StackTrace) {
    let frames = symbolize_stack(trace.frames());
    let mut text = String::new();
    let _ = write_frames(&mut text, &frames);
    text.push('\n');
    let mut state = STATE.lock();
    let fd = log_fd(&mut state);
    crate::sync::write_fd(fd, text.as_bytes());
}

/// `__asan_describe_address`: what is at `addr`, and a chunk's allocation and free stacks.
pub fn print_description(addr: usize, region: &RegionInfo, alloc_stack: u32, free_stack: u32) {
    let (alloc, free) = (depot_stack(alloc_stack), depot_stack(free_stack));
    let mut text = String::new();
    let window_open = crate::thread_state::current().in_call_window();
    let _ = write_region(&mut text, addr, region, window_open);
    let _ = write_chunk_stacks(&mut text, alloc.as_ref(), free.as_ref());
    let mut state = STATE.lock();
    let fd = log_fd(&mut state);
    crate::sync::write_fd(fd, text.as_bytes());
}

fn write_chunk_stacks(
    out: &mut impl Write,
    alloc: Option<&(u32, Vec<Frame>)>,
    free: Option<&(u32, Vec<Frame>)>,
) -> core::fmt::Result {
    if let Some((thread, frames)) = free {
        writeln!(out, "freed by thread T{thread} here:")?;
        write_frames(out, frames)?;
    }
    if let Some((thread, frames)) = alloc {
        let previously = if free.is_some() {
            "previously allocated"
        } else {
            "allocated"
        };
        writeln!(out, "{previously} by thread T{thread} here:")?;
        write_frames(out, frames)?;
    }
    Ok(())
}

/// Everything a printed finding says.
struct Context<'a> {
    finding: &'a Finding,
    /// The function of the cgo call that lent `finding.go_object` earlier.
    lent_by: Option<&'a str>,
    pc: usize,
    thread: u32,
    window_open: bool,
    pid: libc::pid_t,
    stack: &'a [Frame],
    alloc: Option<&'a (u32, Vec<Frame>)>,
    free: Option<&'a (u32, Vec<Frame>)>,
    signal: Option<&'a SignalContext>,
}

pub(super) fn write_frames(out: &mut impl Write, frames: &[Frame]) -> core::fmt::Result {
    if frames.is_empty() {
        return writeln!(out, "    <empty stack>");
    }
    for (i, f) in frames.iter().enumerate() {
        write!(out, "    #{i} {:#x} ", f.pc)?;
        if let Some(function) = &f.function {
            write!(out, "in {function} ")?;
        }
        write_location(out, f)?;
        writeln!(out)?;
    }
    Ok(())
}

/// "file:line:column" (zero parts left out), or "(module+0xoffset)" without debug info.
fn write_location(out: &mut impl Write, f: &Frame) -> core::fmt::Result {
    match &f.file {
        Some(file) => {
            write!(out, "{file}")?;
            if f.line != 0 {
                write!(out, ":{}", f.line)?;
                if f.column != 0 {
                    write!(out, ":{}", f.column)?;
                }
            }
            Ok(())
        }
        None => write!(
            out,
            "({}+{:#x})",
            f.module.as_deref().unwrap_or("<unknown module>"),
            f.module_offset
        ),
    }
}

/// ASan's lines for a sized or aligned delete that does not fit the chunk: sizes when delete was
/// told one, alignments when they differ.
fn write_type_mismatch(out: &mut impl Write, detail: &Detail) -> core::fmt::Result {
    let Detail::TypeMismatch {
        size,
        delete_size,
        alignment,
        delete_alignment,
    } = *detail
    else {
        return Ok(());
    };
    writeln!(out, "  object passed to delete has wrong type:")?;
    if delete_size != 0 {
        writeln!(out, "  size of the allocated type:   {size} bytes;")?;
        writeln!(out, "  size of the deallocated type: {delete_size} bytes.")?;
    }
    if alignment != delete_alignment {
        let show = |a: usize| {
            let mut s = crate::errors::FixedStr::<32>::new();
            match a {
                0 => s.push_str("default-aligned"),
                _ => {
                    let _ = write!(s, "{a} bytes");
                }
            }
            s
        };
        writeln!(
            out,
            "  alignment of the allocated type:   {};",
            show(alignment).as_str()
        )?;
        writeln!(
            out,
            "  alignment of the deallocated type: {}.",
            show(delete_alignment).as_str()
        )?;
    }
    Ok(())
}

/// "0x... is located N bytes before|after|inside of": where `a` lies against the object `r`.
fn write_position(out: &mut impl Write, a: usize, r: &RegionInfo) -> core::fmt::Result {
    write!(out, "{a:#x} is located ")?;
    if a < r.lo {
        write!(out, "{} bytes before", r.lo - a)
    } else if a >= r.hi {
        write!(out, "{} bytes after", a - r.hi)
    } else {
        write!(out, "{} bytes inside of", a - r.lo)
    }
}

/// The frame the SUMMARY line names: the first program frame with a source location that is not
/// cgo's glue (a `C.free` is then located at the Go line that called it) nor a library's inline
/// wrapper: a system header's (glibc's `_FORTIFY_SOURCE` `strcpy`, its `getline`) or Rust's
/// standard library's (`core::ptr::read` inlined into the program's `p.read()`): the caller's line
/// is meant.
pub(super) fn summary_frame(frames: &[Frame]) -> Option<&Frame> {
    let program = || frames.iter().filter(|f| !crate::traces::in_runtime(f.pc));
    let in_library = |file: &str| file.starts_with("/usr/include/") || file.starts_with("/rustc/");
    program()
        .find(|f| {
            f.file.is_some()
                && !in_library(f.file.as_deref().unwrap_or(""))
                && !crate::cgo_glue::is_cgo_glue(
                    f.function.as_deref().unwrap_or(""),
                    f.file.as_deref().unwrap_or(""),
                )
        })
        .or_else(|| program().find(|f| f.file.is_some()))
        .or_else(|| program().next())
        .or(frames.first())
}

impl Context<'_> {
    /// A deadly signal's first lines, ASan's: where, the registers, read or write, a hint.
    fn write_signal_header(&self, out: &mut impl Write, s: &SignalContext) -> core::fmt::Result {
        let f = self.finding;
        let what = if f.kind == ErrorKind::StackOverflow {
            "address"
        } else {
            "unknown address"
        };
        writeln!(
            out,
            "=={}==ERROR: ffisan: {} on {what} {:#014x} (pc {:#x} bp {:#x} sp {:#x} T{})",
            self.pid,
            f.kind.name(),
            f.addr,
            s.pc,
            s.bp,
            s.sp,
            self.thread
        )?;
        if s.access_known && f.kind != ErrorKind::StackOverflow {
            writeln!(
                out,
                "=={}==The signal is caused by a {} memory access (domain: {}).",
                self.pid,
                f.access.upper(),
                f.domain.name()
            )?;
        }
        if let Some(hint) = s.hint {
            writeln!(out, "=={}==Hint: {hint}", self.pid)?;
        }
        Ok(())
    }

    fn write_text(&self, out: &mut impl Write) -> core::fmt::Result {
        let f = self.finding;
        let kind = f.kind.name();
        if let Some(signal) = self.signal {
            self.write_signal_header(out, signal)?;
            write_frames(out, self.stack)?;
            if f.region.kind != RegionKind::Unknown {
                self.write_region(out)?;
            }
            return self.write_summary(out);
        }
        write!(out, "=={}==ERROR: ffisan: {kind}", self.pid)?;
        if let Detail::Mismatch {
            allocated_by,
            freed_by,
        } = f.detail
        {
            write!(
                out,
                " ({} vs {})",
                allocated_by.allocator_name(),
                freed_by.deallocator_name()
            )?;
        }
        writeln!(out, " on address {:#x} at pc {:#x}", f.addr, self.pc)?;
        match f.access {
            Access::Free => write!(out, "FREE at {:#x}", f.addr)?,
            access => write!(
                out,
                "{} of size {} at {:#x}",
                access.upper(),
                f.size,
                f.addr
            )?,
        }
        writeln!(
            out,
            " thread T{} (domain: {})",
            self.thread,
            f.domain.name()
        )?;
        write_type_mismatch(out, &f.detail)?;
        write_frames(out, self.stack)?;
        self.write_region(out)?;
        write_chunk_stacks(out, self.alloc, self.free)?;
        self.write_summary(out)
    }

    fn write_summary(&self, out: &mut impl Write) -> core::fmt::Result {
        write!(out, "SUMMARY: ffisan: {}", self.finding.kind.name())?;
        if let Some(frame) = summary_frame(self.stack) {
            out.write_char(' ')?;
            write_location(out, frame)?;
            write!(out, " in {}", frame.function.as_deref().unwrap_or("??"))?;
        }
        writeln!(out)?;
        if let Some(option) = self.finding.kind.disabled_by() {
            writeln!(out, "=={}==HINT: if you don't care about these errors you may set FFISAN_OPTIONS={option}=0", self.pid)?;
        }
        Ok(())
    }

    /// The address the region line is about: the access's own, except that an access starting
    /// inside an object and running past its end is about the object's end, as ASan words it
    /// ("0 bytes after global variable 'g'"), not about a valid byte "8 bytes inside of".
    fn located(&self) -> usize {
        let f = self.finding;
        let r = &f.region;
        let overflow = matches!(
            f.kind,
            ErrorKind::GlobalBufferOverflow
                | ErrorKind::HeapBufferOverflow
                | ErrorKind::StackBufferOverflow
                | ErrorKind::DynamicStackBufferOverflow
        );
        let from_inside = (r.lo..r.hi).contains(&f.addr) && f.addr.saturating_add(f.size) > r.hi;
        if overflow && from_inside && matches!(f.access, Access::Read | Access::Write) {
            r.hi
        } else {
            f.addr
        }
    }

    fn write_region(&self, out: &mut impl Write) -> core::fmt::Result {
        let f = self.finding;
        let r = &f.region;
        let (a, name) = (self.located(), r.name.as_str());
        if f.kind == ErrorKind::StackUseAfterReturn {
            return writeln!(
                out,
                "{a:#x} is located in a dead stack frame of thread T{}",
                self.thread
            );
        }
        if f.kind == ErrorKind::GlobalBufferOverflow && r.kind == RegionKind::Global {
            // ASan's words: "... is located 0 bytes after global variable 'g' defined in 'g.c:2'
            // (0x...) of size 40".
            write_position(out, a, r)?;
            return writeln!(
                out,
                " global variable {name} ({:#x}) of size {}",
                r.lo,
                r.hi - r.lo
            );
        }
        if matches!(
            f.kind,
            ErrorKind::StackBufferOverflow
                | ErrorKind::StackBufferUnderflow
                | ErrorKind::StackUseAfterScope
        ) {
            if let Some(frame) = crate::threads::Frame::at(a) {
                return self.write_frame(out, &frame);
            }
        }
        if f.kind == ErrorKind::DynamicStackBufferOverflow && r.kind == RegionKind::Stack {
            // "... is located 0 bytes after the 40-byte dynamic stack object (alloca or VLA)
            // [0x...,0x...) in stack of thread T0" (ASan names only the thread's stack).
            write_position(out, a, r)?;
            return writeln!(
                out,
                " the {}-byte {name} [{:#x},{:#x}) in stack of thread T{}",
                r.hi - r.lo,
                r.lo,
                r.hi,
                self.thread
            );
        }
        if r.kind == RegionKind::Managed {
            if let Some(o) = &f.go_object {
                self.write_go_object(out, o)?;
            }
        }
        write_region(out, a, r, self.window_open)
    }
}

/// The line saying where `a` lies in `r` (for a chunk: how far inside, before or after it).
fn write_region(
    out: &mut impl Write,
    a: usize,
    r: &RegionInfo,
    window_open: bool,
) -> core::fmt::Result {
    let name = r.name.as_str();
    match r.kind {
        RegionKind::CHeap | RegionKind::Freed | RegionKind::HeapInterior => {
            write_position(out, a, r)?;
            writeln!(
                out,
                " {}-byte region [{:#x},{:#x}) in the C heap",
                r.hi - r.lo,
                r.lo,
                r.hi
            )
        }
        RegionKind::Managed => {
            let window = if window_open { "open" } else { "closed" };
            writeln!(out, "{a:#x} is located in the managed region {name} [{:#x},{:#x}) (call window: {window})", r.lo, r.hi)
        }
        RegionKind::Stack => writeln!(
            out,
            "{a:#x} is located in the {name} [{:#x},{:#x})",
            r.lo, r.hi
        ),
        RegionKind::Global => writeln!(
            out,
            "{a:#x} is located in global data of {name} [{:#x},{:#x})",
            r.lo, r.hi
        ),
        RegionKind::ReadOnly => writeln!(out, "{a:#x} is located in read-only data of {name}"),
        RegionKind::Unknown => writeln!(
            out,
            "{a:#x} is not in any region ffisan knows (unknown memory)"
        ),
    }
}

impl Context<'_> {
    /// ASan's frame block: where in the frame the address is, then every object of the frame, the
    /// one the access is about marked.
    fn write_frame(
        &self,
        out: &mut impl Write,
        frame: &crate::threads::Frame,
    ) -> core::fmt::Result {
        let a = self.located();
        let offset = a.wrapping_sub(frame.base);
        writeln!(
            out,
            "{a:#x} is located in stack of thread T{} at offset {offset} in frame of {}",
            self.thread,
            frame.function()
        )?;
        writeln!(
            out,
            "  This frame has {} object(s):",
            frame.objects().count()
        )?;
        let nearest = frame.nearest(a).map(|o| o.offset);
        for object in frame.objects() {
            let end = object.offset + object.size;
            write!(out, "    [{}, {end}) '{}'", object.offset, object.name)?;
            if object.line > 0 {
                write!(out, " (line {})", object.line)?;
            }
            if nearest == Some(object.offset) {
                let access_end = offset.saturating_add(self.finding.size.max(1));
                let what = if offset < object.offset {
                    "underflows"
                } else if offset >= end {
                    "overflows"
                } else if access_end > end {
                    "partially overflows"
                } else {
                    "is inside"
                };
                write!(
                    out,
                    " <== Memory access at offset {offset} {what} this variable"
                )?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    /// Where the address lies relative to the Go object, and whether that object was lent.
    fn write_go_object(&self, out: &mut impl Write, o: &GoObject) -> core::fmt::Result {
        let a = self.finding.addr;
        let end = o.base + o.size;
        write!(out, "{a:#x} is located ")?;
        if a < o.base {
            write!(out, "{} bytes before", o.base - a)?;
        } else if a >= end {
            write!(out, "{} bytes after", a - end)?;
        } else {
            write!(out, "{} bytes inside of", a - o.base)?;
        }
        let what = if o.whole_span {
            "Go heap span"
        } else {
            "Go object"
        };
        write!(out, " the {}-byte {what} [{:#x},{end:#x})", o.size, o.base)?;
        if o.freed_by_gc {
            writeln!(out, ", freed by the garbage collector")
        } else if o.lent_now {
            writeln!(out, " lent to this call")
        } else if self.finding.domain == Domain::Go {
            // Go code's own access: what was lent to C does not matter.
            writeln!(out)
        } else {
            let call = if self.window_open {
                "this call"
            } else {
                "any cgo call open on this thread"
            };
            write!(out, ", not lent to {call}")?;
            match self.lent_by {
                Some(name) => writeln!(
                    out,
                    " (lent earlier to C.{} on thread T{}, which returned)",
                    cgo_call_name(name),
                    o.lent_by_thread
                ),
                None => writeln!(out),
            }
        }
    }

    fn region_json(&self) -> (&'static str, String) {
        let r = &self.finding.region;
        if self.finding.kind == ErrorKind::StackUseAfterReturn {
            return (
                "stack",
                format!("dead stack frame of thread T{}", self.thread),
            );
        }
        (r.kind.name(), r.name.as_str().to_string())
    }

    fn write_json(&self, out: &mut impl Write) -> core::fmt::Result {
        let f = self.finding;
        let (region, region_name) = self.region_json();
        write!(
            out,
            "{{\"version\":1,\"kind\":\"{}\",\"access\":\"{}\",\"size\":{}",
            f.kind.name(),
            f.access.name(),
            f.size
        )?;
        write!(
            out,
            ",\"address\":\"{:#x}\",\"pc\":\"{:#x}\"",
            f.addr, self.pc
        )?;
        write!(out, ",\"region\":\"{region}\",\"region_name\":")?;
        write_json_string(out, &region_name)?;
        write!(
            out,
            ",\"region_lo\":\"{:#x}\",\"region_hi\":\"{:#x}\"",
            f.region.lo, f.region.hi
        )?;
        write!(
            out,
            ",\"domain\":\"{}\",\"thread\":{},\"window_open\":{}",
            f.domain.name(),
            self.thread,
            self.window_open
        )?;
        write_json_detail(out, &f.detail)?;
        if let Some(s) = self.signal {
            write!(
                out,
                ",\"signal\":{},\"bp\":\"{:#x}\",\"sp\":\"{:#x}\"",
                s.signal, s.bp, s.sp
            )?;
        }
        if let Some(o) = &f.go_object {
            write!(
                out,
                ",\"go_object\":{{\"base\":\"{:#x}\",\"size\":{},\"lent_to_this_call\":{}",
                o.base, o.size, o.lent_now
            )?;
            if let Some(name) = self.lent_by {
                write!(out, ",\"lent_earlier_to\":")?;
                write_json_string(out, cgo_call_name(name))?;
                write!(out, ",\"lent_earlier_thread\":{}", o.lent_by_thread)?;
            }
            write!(out, ",\"freed_by_gc\":{}", o.freed_by_gc)?;
            out.write_char('}')?;
        }
        write!(out, ",\"pid\":{},\"stack\":", self.pid)?;
        write_json_frames(out, self.stack)?;
        for (name, stack) in [("alloc", self.alloc), ("free", self.free)] {
            write!(out, ",\"{name}_stack\":")?;
            write_json_frames(out, stack.map_or(&[][..], |s| &s.1))?;
            match stack {
                Some((thread, _)) => write!(out, ",\"{name}_thread\":{thread}")?,
                None => write!(out, ",\"{name}_thread\":null")?,
            }
        }
        writeln!(out, "}}")
    }
}

/// The detail's fields, each with a comma before it (nothing for most kinds).
fn write_json_detail(out: &mut impl Write, detail: &Detail) -> core::fmt::Result {
    match *detail {
        Detail::None => Ok(()),
        Detail::LibcCall { function } => write!(out, ",\"libc_function\":\"{function}\""),
        Detail::Mismatch {
            allocated_by,
            freed_by,
        } => write!(
            out,
            ",\"allocated_by\":\"{}\",\"freed_by\":\"{}\"",
            allocated_by.allocator_name(),
            freed_by.deallocator_name()
        ),
        Detail::TypeMismatch {
            size,
            delete_size,
            alignment,
            delete_alignment,
        } => write!(
            out,
            ",\"allocated_size\":{size},\"deallocated_size\":{delete_size},\"allocated_alignment\":{alignment},\"deallocated_alignment\":{delete_alignment}"
        ),
    }
}

/// `C.sum` for the wrapper `_cgo_<hash>_Cfunc_sum`.
fn cgo_call_name(wrapper: &str) -> &str {
    wrapper.split_once("_Cfunc_").map_or(wrapper, |(_, c)| c)
}

pub(super) fn write_json_frames(out: &mut impl Write, frames: &[Frame]) -> core::fmt::Result {
    out.write_char('[')?;
    for (i, f) in frames.iter().enumerate() {
        if i > 0 {
            out.write_char(',')?;
        }
        write!(out, "{{\"pc\":\"{:#x}\",\"function\":", f.pc)?;
        write_json_opt(out, f.function.as_deref())?;
        out.write_str(",\"file\":")?;
        write_json_opt(out, f.file.as_deref())?;
        write!(
            out,
            ",\"line\":{},\"column\":{},\"module\":",
            f.line, f.column
        )?;
        write_json_opt(out, f.module.as_deref())?;
        out.write_char('}')?;
    }
    out.write_char(']')
}

fn write_json_opt(out: &mut impl Write, s: Option<&str>) -> core::fmt::Result {
    match s {
        Some(s) => write_json_string(out, s),
        None => out.write_str("null"),
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
pub fn write_json_string(out: &mut impl Write, s: &str) -> core::fmt::Result {
    out.write_char('"')?;
    let mut rest = s;
    while let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || (c as u32) < 0x20) {
        out.write_str(&rest[..i])?;
        match rest.as_bytes()[i] {
            b'"' => out.write_str("\\\"")?,
            b'\\' => out.write_str("\\\\")?,
            b'\n' => out.write_str("\\n")?,
            b'\r' => out.write_str("\\r")?,
            b'\t' => out.write_str("\\t")?,
            c => write!(out, "\\u{:04x}", c)?,
        }
        rest = &rest[i + 1..];
    }
    out.write_str(rest)?;
    out.write_char('"')
}

/// At exit: in recover mode, one line counting the findings and exit status `exitcode` if there
/// were any; with verbosity>=1, how many were suppressed; with verbosity>=2, how many allocation
/// and free stacks had to be walked.
extern "C" fn at_exit() {
    let options = crate::options::get();
    let mut state = STATE.lock();
    let total: u32 = state.counts.iter().sum();
    let suppressed = state.suppressed;
    let count_findings = !options.halt_on_error && total > 0;
    let count_suppressed = options.verbosity >= 1 && suppressed > 0;
    let count_walks = options.verbosity >= 2;
    if !(count_findings || count_suppressed || count_walks) {
        return;
    }
    // The program's own buffered output comes first, as it would without us.
    unsafe { libc::fflush(core::ptr::null_mut()) };
    let fd = log_fd(&mut state);
    let mut line = String::new();
    if count_findings {
        let plural = if total == 1 { "" } else { "s" };
        let _ = write!(line, "=={}==ffisan: {total} finding{plural}:", pid());
        let by_kind = ErrorKind::ALL
            .iter()
            .zip(state.counts.iter())
            .filter(|(_, &n)| n > 0);
        for (i, (kind, n)) in by_kind.enumerate() {
            let _ = write!(
                line,
                "{} {} {n}",
                if i == 0 { "" } else { "," },
                kind.name()
            );
        }
        line.push('\n');
    }
    if count_suppressed {
        let _ = writeln!(
            line,
            "=={}==ffisan: {suppressed} finding(s) suppressed",
            pid()
        );
    }
    if count_walks {
        let _ = writeln!(
            line,
            "=={}==ffisan: {} allocation and free stacks walked (the others named by a recent frame chain)",
            pid(),
            crate::traces::stack_depot::walks()
        );
    }
    crate::sync::write_fd(fd, line.as_bytes());
    if count_findings {
        unsafe { libc::_exit(options.exitcode) };
    }
}

extern "C" fn fork_prepare() {
    core::mem::forget(STATE.lock());
}

extern "C" fn fork_parent() {
    unsafe { STATE.force_unlock() };
}

extern "C" fn fork_child() {
    // The child counts its own findings; its log and json files are reopened with its pid.
    unsafe { STATE.force_unlock() };
    let mut state = STATE.lock();
    state.counts = [0; ErrorKind::ALL.len()];
    state.suppressed = 0;
}

/// Loads suppressions, installs the fork handlers and registers the exit summary.
pub fn init() {
    check_report_paths();
    ON_ERROR.store(
        program_definition(c"__asan_on_error"),
        core::sync::atomic::Ordering::Release,
    );
    crate::report::suppressions::init();
    unsafe {
        libc::pthread_atfork(Some(fork_prepare), Some(fork_parent), Some(fork_child));
        libc::atexit(at_exit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escaping() {
        let mut s = String::new();
        write_json_string(&mut s, "a\"b\\c\nd\u{1}é").unwrap();
        assert_eq!(s, "\"a\\\"b\\\\c\\nd\\u0001é\"");
    }

    #[test]
    fn path_expansion() {
        let p = pid();
        assert_eq!(expand_path("/tmp/x", true), format!("/tmp/x.{p}"));
        assert_eq!(
            expand_path("/tmp/x.%p.log", true),
            format!("/tmp/x.{p}.log")
        );
        assert_eq!(expand_path("/tmp/r.json", false), "/tmp/r.json");
    }
}
