//! Turns pcs into frames at report time: module + offset from the dynamic loader, then function,
//! file, line and column (inlined frames expanded) from an `llvm-symbolizer` child kept running.
//! Report-time only, so it may allocate (internal allocator).

use crate::sync::SpinLock;
use core::ffi::{c_char, c_int, c_void, CStr};

/// One printed frame. Several frames share a pc when calls were inlined (innermost first).
#[derive(Clone, Debug, Default)]
pub struct Frame {
    pub pc: usize,
    pub function: Option<String>,
    pub file: Option<String>,
    pub line: u32,
    pub column: u32,
    pub module: Option<String>,
    /// pc minus the module's load bias: the address inside the module's file.
    pub module_offset: usize,
}

/// glibc's `struct link_map` prefix (what `dladdr1(RTLD_DL_LINKMAP)` gives back).
#[repr(C)]
struct LinkMap {
    l_addr: usize,
    l_name: *const c_char,
}

const RTLD_DL_LINKMAP: c_int = 2;

extern "C" {
    /// glibc >= 2.34: the child closes every descriptor from `from` up.
    fn posix_spawn_file_actions_addclosefrom_np(
        actions: *mut libc::posix_spawn_file_actions_t,
        from: c_int,
    ) -> c_int;
    fn dladdr1(
        addr: *const c_void,
        info: *mut libc::Dl_info,
        extra: *mut *mut c_void,
        flags: c_int,
    ) -> c_int;
}

/// The module holding `pc` (path, load bias) and the nearest dynamic symbol, from the loader.
fn loader_lookup(pc: usize) -> (Option<String>, usize, Option<String>) {
    let mut info: libc::Dl_info = unsafe { core::mem::zeroed() };
    let mut map: *mut c_void = core::ptr::null_mut();
    if unsafe { dladdr1(pc as *const c_void, &mut info, &mut map, RTLD_DL_LINKMAP) } == 0
        || map.is_null()
    {
        return (None, 0, None);
    }
    let map = unsafe { &*(map as *const LinkMap) };
    let name = unsafe { c_string(map.l_name) };
    // The main program's link_map has an empty name.
    let module = match name {
        Some(n) if !n.is_empty() => Some(n),
        _ => executable_path(),
    };
    let symbol = unsafe { c_string(info.dli_sname) };
    (module, map.l_addr, symbol)
}

unsafe fn c_string(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| String::from_utf8_lossy(CStr::from_ptr(p).to_bytes()).into_owned())
}

fn executable_path() -> Option<String> {
    let mut buf = [0u8; 4096];
    let n = unsafe {
        libc::readlink(
            c"/proc/self/exe".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    (n > 0).then(|| String::from_utf8_lossy(&buf[..n as usize]).into_owned())
}

/// A running llvm-symbolizer: one socket for its stdin and stdout.
struct Symbolizer {
    fd: c_int,
    /// The process that spawned it: after fork the child must not share the conversation.
    owner: libc::pid_t,
}

enum SymbolizerState {
    NotStarted,
    Running(Symbolizer),
    Unavailable,
}

static SYMBOLIZER: SpinLock<SymbolizerState> = SpinLock::new(SymbolizerState::NotStarted);

fn executable(path: &str) -> bool {
    let Ok(c) = std::ffi::CString::new(path) else {
        return false;
    };
    unsafe { libc::access(c.as_ptr(), libc::X_OK) == 0 }
}

fn search_path(name: &str) -> Option<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .filter(|d| !d.is_empty())
        .map(|d| format!("{d}/{name}"))
        .find(|p| executable(p))
}

/// FFISAN_SYMBOLIZER_PATH, else llvm-symbolizer-22 on PATH, LLVM 22's own, any llvm-symbolizer.
fn symbolizer_path() -> Option<String> {
    if let Ok(p) = std::env::var("FFISAN_SYMBOLIZER_PATH") {
        if !p.is_empty() {
            return executable(&p).then_some(p);
        }
    }
    search_path("llvm-symbolizer-22")
        .or_else(|| {
            executable("/usr/lib/llvm-22/bin/llvm-symbolizer")
                .then(|| "/usr/lib/llvm-22/bin/llvm-symbolizer".into())
        })
        .or_else(|| search_path("llvm-symbolizer"))
}

fn spawn_symbolizer() -> Option<Symbolizer> {
    let path = symbolizer_path()?;
    let mut fds = [0 as c_int; 2];
    // A socket pair rather than two pipes: send() with MSG_NOSIGNAL cannot kill us with SIGPIPE.
    if unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    } != 0
    {
        return None;
    }
    let c_path = std::ffi::CString::new(path).ok()?;
    let args = [
        c_path.clone(),
        c"--inlines".into(),
        c"--demangle".into(),
        c"--output-style=LLVM".into(),
    ];
    let mut argv: Vec<*mut c_char> = args.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    argv.push(core::ptr::null_mut());
    // Our environment minus LD_PRELOAD: the symbolizer must not load this runtime too.
    let env: Vec<std::ffi::CString> = std::env::vars_os()
        .filter(|(k, _)| k != "LD_PRELOAD")
        .filter_map(|(k, v)| {
            let mut kv = k.into_encoded_bytes();
            kv.push(b'=');
            kv.extend(v.into_encoded_bytes());
            std::ffi::CString::new(kv).ok()
        })
        .collect();
    let mut envp: Vec<*mut c_char> = env.iter().map(|e| e.as_ptr() as *mut c_char).collect();
    envp.push(core::ptr::null_mut());
    let mut pid: libc::pid_t = 0;
    let spawned = unsafe {
        let mut actions: libc::posix_spawn_file_actions_t = core::mem::zeroed();
        libc::posix_spawn_file_actions_init(&mut actions);
        libc::posix_spawn_file_actions_adddup2(&mut actions, fds[1], 0);
        libc::posix_spawn_file_actions_adddup2(&mut actions, fds[1], 1);
        // Its complaints about unreadable modules (vdso, deleted files) must not mix into reports.
        libc::posix_spawn_file_actions_addopen(
            &mut actions,
            2,
            c"/dev/null".as_ptr(),
            libc::O_WRONLY,
            0,
        );
        // Nothing else of ours (the program's pipes, log files) may stay open in the symbolizer.
        posix_spawn_file_actions_addclosefrom_np(&mut actions, 3);
        let rc = libc::posix_spawn(
            &mut pid,
            c_path.as_ptr(),
            &actions,
            core::ptr::null(),
            argv.as_ptr(),
            envp.as_ptr(),
        );
        libc::posix_spawn_file_actions_destroy(&mut actions);
        rc == 0
    };
    unsafe { libc::close(fds[1]) };
    if !spawned {
        unsafe { libc::close(fds[0]) };
        return None;
    }
    Some(Symbolizer {
        fd: fds[0],
        owner: unsafe { libc::getpid() },
    })
}

impl Symbolizer {
    /// Sends one query and reads the answer (lines up to an empty line). None if it died or hung.
    fn ask(&self, query: &str) -> Option<String> {
        let mut bytes = query.as_bytes();
        while !bytes.is_empty() {
            let n = unsafe {
                libc::send(
                    self.fd,
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    libc::MSG_NOSIGNAL,
                )
            };
            if n <= 0 {
                if n < 0 && crate::sync::errno() == libc::EINTR {
                    continue;
                }
                return None;
            }
            bytes = &bytes[n as usize..];
        }
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        while !(answer.ends_with(b"\n\n") || answer == b"\n") {
            let mut pfd = libc::pollfd {
                fd: self.fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ready = unsafe { libc::poll(&mut pfd, 1, 20_000) };
            if ready == 0 {
                return None;
            }
            if ready < 0 {
                if crate::sync::errno() == libc::EINTR {
                    continue;
                }
                return None;
            }
            let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                if n < 0 && crate::sync::errno() == libc::EINTR {
                    continue;
                }
                return None;
            }
            answer.extend_from_slice(&buf[..n as usize]);
        }
        Some(String::from_utf8_lossy(&answer).into_owned())
    }
}

/// Parses llvm-symbolizer's LLVM-style answer: pairs of "function" / "file:line:column" lines.
pub fn parse_answer(answer: &str) -> Vec<(Option<String>, Option<String>, u32, u32)> {
    let lines: Vec<&str> = answer.lines().filter(|l| !l.is_empty()).collect();
    lines
        .chunks(2)
        .map(|pair| {
            let function = pair.first().filter(|f| **f != "??").map(|f| f.to_string());
            let (file, line, column) = pair.get(1).map_or((None, 0, 0), |loc| split_location(loc));
            (function, file, line, column)
        })
        .collect()
}

/// "path:line:column" (the path may itself contain ':'), "??:0:0" for unknown.
fn split_location(loc: &str) -> (Option<String>, u32, u32) {
    let mut parts = loc.rsplitn(3, ':');
    let column = parts.next().and_then(|c| c.parse().ok());
    let line = parts.next().and_then(|l| l.parse().ok());
    match (parts.next(), line, column) {
        (Some(file), Some(line), Some(column)) => {
            ((file != "??").then(|| file.to_string()), line, column)
        }
        _ => ((loc != "??").then(|| loc.to_string()), 0, 0),
    }
}

/// Asks the symbolizer about `module`+`offset`; None when it cannot be used.
fn ask_symbolizer(module: &str, offset: usize) -> Option<String> {
    let mut state = SYMBOLIZER.lock();
    if let SymbolizerState::Running(s) = &*state {
        if s.owner != unsafe { libc::getpid() } {
            // A forked child: the parent keeps talking to that process; start our own.
            unsafe { libc::close(s.fd) };
            *state = SymbolizerState::NotStarted;
        }
    }
    if let SymbolizerState::NotStarted = *state {
        *state = spawn_symbolizer().map_or(SymbolizerState::Unavailable, SymbolizerState::Running);
    }
    let SymbolizerState::Running(s) = &*state else {
        return None;
    };
    let answer = s.ask(&format!("\"{module}\" 0x{offset:x}\n"));
    if answer.is_none() {
        unsafe { libc::close(s.fd) };
        *state = SymbolizerState::Unavailable;
    }
    answer
}

/// The frames for `pc`, a return address (so the call instruction, `pc - 1`, is looked up).
/// With `use_debug_info` false (symbolize=0, or a runtime frame) only loader names are used.
pub fn symbolize(pc: usize, use_debug_info: bool) -> Vec<Frame> {
    let (module, bias, symbol) = loader_lookup(pc.saturating_sub(1));
    let base = Frame {
        pc,
        module: module.clone(),
        module_offset: pc.wrapping_sub(bias),
        ..Frame::default()
    };
    if use_debug_info {
        if let Some(m) = &module {
            if let Some(answer) = ask_symbolizer(m, pc.wrapping_sub(bias).saturating_sub(1)) {
                let frames: Vec<Frame> = parse_answer(&answer)
                    .into_iter()
                    .map(|(function, file, line, column)| Frame {
                        function,
                        file,
                        line,
                        column,
                        ..base.clone()
                    })
                    .collect();
                if frames
                    .iter()
                    .any(|f| f.function.is_some() || f.file.is_some())
                {
                    return frames;
                }
            }
        }
    }
    vec![Frame {
        function: symbol.map(demangle),
        ..base
    }]
}

/// A loader name as llvm-symbolizer would print it: C++ (and Rust) names demangled
/// (`_ZdlPvm` is `operator delete(void*, unsigned long)`), any other name as it is. Report-time
/// only: the demangler's allocations go to the runtime's own allocator, like the rest of a report's.
fn demangle(name: String) -> String {
    if !name.starts_with("_Z") {
        return name;
    }
    cpp_demangle::Symbol::new(name.as_bytes())
        .ok()
        .and_then(|symbol| symbol.demangle().ok())
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_inlined_answer() {
        let a = "inner\n/src/a.c:3:7\nouter\n/src/a.c:9:0\n\n";
        let f = parse_answer(a);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0], (Some("inner".into()), Some("/src/a.c".into()), 3, 7));
        assert_eq!(f[1], (Some("outer".into()), Some("/src/a.c".into()), 9, 0));
    }

    #[test]
    fn loader_names_are_demangled() {
        assert_eq!(
            demangle("_ZdlPvm".into()),
            "operator delete(void*, unsigned long)"
        );
        assert_eq!(demangle("_Znam".into()), "operator new[](unsigned long)");
        assert_eq!(demangle("malloc".into()), "malloc");
        assert_eq!(demangle("_Zbroken".into()), "_Zbroken");
    }

    #[test]
    fn unknown_is_none() {
        assert_eq!(parse_answer("??\n??:0:0\n\n"), vec![(None, None, 0, 0)]);
        assert_eq!(
            split_location("C:/x:y.c:4:2"),
            (Some("C:/x:y.c".into()), 4, 2)
        );
    }
}
