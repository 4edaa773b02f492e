//! One leak check, start to end: read what needs locks, stop the other threads, index the live
//! chunks, mark from the roots, list what no root reaches, let the threads go, then group,
//! symbolize and report (symbolizing allocates, so only once nobody is stopped).

use crate::leaks::chunk_index::{ChunkIndex, INDIRECT, REACHABLE};
use crate::leaks::grouping::{self, Leaked};
use crate::leaks::mappings::Mappings;
use crate::leaks::marking::Marker;
use crate::leaks::scratch::MapVec;
use crate::leaks::{roots, stop_world};
use crate::report::LeakTotals;
use crate::sync::SpinLock;
use core::fmt::Write;

/// One check at a time (a second caller waits; it is stopped like any thread meanwhile).
static CHECKING: SpinLock<()> = SpinLock::new(());

fn now_us() -> u64 {
    let mut t: libc::timespec = unsafe { core::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as u64 * 1_000_000 + t.tv_nsec as u64 / 1000
}

/// Whether the chunk's allocation was made by the dynamic loader (TLS blocks, link maps): like
/// LeakSanitizer, those are never leaks; their only pointers may lie in the loader's own memory.
fn allocated_by_loader(maps: &Mappings, alloc_stack: u32) -> bool {
    let Some(stack) = crate::traces::stack_depot::get(alloc_stack) else {
        return false;
    };
    stack
        .pcs
        .iter()
        .find(|&&pc| !crate::traces::in_runtime(pc))
        .is_some_and(|&pc| maps.is_loader_code(pc))
}

struct Scan {
    leaked: MapVec<Leaked>,
    chunks: usize,
    bytes: usize,
    coverage: roots::Coverage,
    dropped: usize,
}

/// The part done with the world stopped: no lock anyone else may hold, no allocation but mmap.
fn scan_stopped(prepared: &roots::Prepared, checker: &roots::Checker) -> Option<Scan> {
    let foreign = crate::heap::freeze_foreign();
    let world = stop_world::stop_others(crate::heap::prefault_helper_tid());
    let maps = Mappings::read()?;
    let mut index = ChunkIndex::build(&foreign)?;
    let go = crate::leaks::go_roots::GoObjects::new(prepared.managed());
    let mut marker = Marker::new(&mut index, go);
    let coverage = roots::scan(&mut marker, prepared, &world, &maps, checker);
    marker.flood();
    // Then what the program or the loader vouched for (asked only of chunks still unreached).
    marker
        .mark_chunks_where(|f| f.chunk.ignored || allocated_by_loader(&maps, f.chunk.alloc_stack));
    marker.flood();
    marker.mark_indirect();
    marker.name_freed_holders(&foreign);
    let mut leaked = MapVec::new();
    let (mut chunks, mut bytes) = (0, 0);
    marker.index.for_each(|f| {
        chunks += 1;
        bytes += f.chunk.size;
        let mark = marker.mark_of(f.id);
        if mark != REACHABLE {
            leaked.push(Leaked {
                user: f.chunk.user,
                size: f.chunk.size,
                alloc_stack: f.chunk.alloc_stack,
                indirect: mark == INDIRECT,
            });
        }
    });
    let dropped = marker.dropped + marker.go_dropped();
    drop(world);
    drop(foreign);
    Some(Scan {
        leaked,
        chunks,
        bytes,
        coverage,
        dropped,
    })
}

/// Runs a check and reports what it finds; what was reported (None: leak detection is off or
/// the check could not run). `checker` is the calling thread as its caller saw it: never inlined,
/// so every frame of the check (whose slots hold chunk addresses while it marks) lies below it.
#[inline(never)]
pub fn run(checker: &roots::Checker) -> Option<LeakTotals> {
    let options = crate::options::get();
    if !options.detect_leaks {
        return None;
    }
    let _one = CHECKING.lock();
    let start = now_us();
    let prepared = roots::prepare();
    let Some(mut scan) = scan_stopped(&prepared, checker) else {
        crate::sync::write_stderr(
            b"ffisan: warning: the leak check could not run (no /proc/self/maps or no memory)\n",
        );
        return None;
    };
    let scanned = now_us();
    let mut groups = grouping::group(&mut scan.leaked);
    let totals = crate::report::report_leaks(groups.as_mut_slice());
    if options.verbosity >= 1 {
        let mut line = crate::errors::FixedStr::<512>::new();
        let _ = writeln!(
            line,
            "ffisan: leak check: {} live chunks ({} bytes) in {} us with {} thread(s) stopped, then {} us to report {} leak group(s)",
            scan.chunks,
            scan.bytes,
            scanned - start,
            scan.coverage.stopped,
            now_us() - scanned,
            totals.groups
        );
        crate::sync::write_stderr(line.as_str().as_bytes());
        let c = &scan.coverage;
        if c.unanswered + c.unscanned > 0 || scan.dropped > 0 {
            let mut line = crate::errors::FixedStr::<512>::new();
            let _ = writeln!(
                line,
                "ffisan: leak check: {} thread(s) did not stop (their whole stacks scanned), {} unknown thread(s) not scanned, {} chunk(s) not followed (out of memory)",
                c.unanswered, c.unscanned, scan.dropped
            );
            crate::sync::write_stderr(line.as_str().as_bytes());
        }
    }
    Some(totals)
}
