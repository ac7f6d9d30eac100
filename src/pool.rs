//! Threads for one training step: a `Pool` of long-lived helper threads that the calling thread
//! hands work to through atomic counters, and `Par`, the handle the model holds (one thread when
//! it holds no pool).
//!
//! Why not a task pool per call: the products of a step take 5-50 µs each, and waking a sleeping
//! thread costs tens of µs (an empty `rayon::join` called from JS costs 20-38 µs). So helpers stay
//! awake between the products of a step, spinning on the job counter (a hand-off costs well
//! under a µs), and sleep (`thread::park`, a futex; `Atomics.wait` in a browser) only after some
//! tens of µs without work (`spin`), so a paused lab burns no CPU.
//!
//! A job is `f(chunk)` for every chunk in 0..chunks, a few chunks per thread, each writing its
//! own block of the output (see `kernels::split`). Each thread first claims the chunks of its own
//! share (so the same thread computes the same blocks step after step and finds them in its
//! cache), then takes what is left of the others' shares: a thread that the system deschedules
//! (the page's own thread and other programs share the cores) only takes fewer chunks instead
//! of holding the step up. Which thread computes a chunk never changes its result. The caller then waits for the
//! helpers still inside the job: spinning, then asleep until the last one wakes it.

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicUsize, Ordering::*};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;

/// Polls with nothing to do before a thread sleeps: some tens of µs, longer than the gaps between
/// the products of one step. Natively timed; wasm32-unknown-unknown has no clock, so there it is
/// counted (a poll takes about a ns).
#[derive(Default)]
struct Spin {
    polls: u32,
    #[cfg(not(target_arch = "wasm32"))]
    since: Option<std::time::Instant>,
}

impl Spin {
    /// True while the thread should keep polling.
    fn more(&mut self) -> bool {
        std::hint::spin_loop();
        self.polls += 1;
        #[cfg(not(target_arch = "wasm32"))]
        {
            if !self.polls.is_multiple_of(64) {
                return true;
            }
            let since = *self.since.get_or_insert_with(std::time::Instant::now);
            since.elapsed() < std::time::Duration::from_micros(50)
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.polls < 1 << 15
        }
    }
}

/// The job: `f` (a thin pointer to the caller's `&dyn Fn`) over `chunks` chunks.
type JobRef<'a> = &'a (dyn Fn(usize) + Sync);

/// State shared by the caller and the helpers.
struct Shared {
    /// Bumped once per job (and once at shutdown); a helper looks for work when it sees it change.
    epoch: AtomicU32,
    /// The current job (null between jobs): a pointer to the caller's `JobRef`, valid while the
    /// caller is in `run`, which does not return while a helper is `active`.
    job: AtomicPtr<JobRef<'static>>,
    chunks: AtomicUsize,
    /// Per thread (the caller first): the next chunk to claim of its share, and the chunks it
    /// finished.
    next: Vec<Line<AtomicUsize>>,
    done: Vec<Line<AtomicUsize>>,
    /// Helpers inside the current job (between reading `job` and their last chunk).
    active: AtomicUsize,
    /// The caller sleeps while waiting; a helper that leaves a job wakes `caller`.
    caller_sleeping: AtomicBool,
    caller: Mutex<Option<Thread>>,
    /// A helper's chunk panicked (natively; wasm aborts on panic).
    panicked: AtomicBool,
    shutdown: AtomicBool,
    /// Per helper: its thread (set when it starts) and whether it is (about to be) parked.
    threads: Vec<OnceLock<Thread>>,
    sleeping: Vec<AtomicBool>,
}

/// A value on a cache line of its own, so that threads writing different counters do not slow
/// each other down.
#[repr(align(64))]
struct Line<T>(T);

impl<T> std::ops::Deref for Line<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

// A panicking chunk leaves the pool usable (`run` waits for every chunk either way), so a model
// that holds one stays unwind-safe.
impl std::panic::RefUnwindSafe for Shared {}
impl std::panic::UnwindSafe for Shared {}

/// Long-lived helper threads plus the calling thread.
pub struct Pool {
    shared: Arc<Shared>,
    /// A job is running (`run` is not reentrant, nor callable from two threads at once).
    busy: AtomicBool,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pool({} threads)", self.threads())
    }
}

impl Pool {
    /// A pool of `threads` (>= 1) counting the caller: `threads - 1` helpers started by `spawn`,
    /// which must run the closure it is given on a thread of its own (`std::thread::spawn`
    /// natively; a long-lived task on a Web Worker in the browser).
    pub fn with_spawner(threads: usize, mut spawn: impl FnMut(Box<dyn FnOnce() + Send>)) -> Pool {
        let helpers = threads.max(1) - 1;
        let shared = Arc::new(Shared {
            epoch: AtomicU32::new(0),
            job: AtomicPtr::new(std::ptr::null_mut()),
            chunks: AtomicUsize::new(0),
            next: (0..=helpers).map(|_| Line(AtomicUsize::new(0))).collect(),
            done: (0..=helpers).map(|_| Line(AtomicUsize::new(0))).collect(),
            active: AtomicUsize::new(0),
            caller_sleeping: AtomicBool::new(false),
            caller: Mutex::new(None),
            panicked: AtomicBool::new(false),
            shutdown: AtomicBool::new(false),
            threads: (0..helpers).map(|_| OnceLock::new()).collect(),
            sleeping: (0..helpers).map(|_| AtomicBool::new(false)).collect(),
        });
        for h in 0..helpers {
            let s = Arc::clone(&shared);
            spawn(Box::new(move || helper(&s, h)));
        }
        Pool {
            shared,
            busy: AtomicBool::new(false),
        }
    }

    /// A pool of `threads` (>= 1) counting the caller, its helpers on `std::thread`s.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new(threads: usize) -> Pool {
        Pool::with_spawner(threads, |f| {
            std::thread::Builder::new()
                .name("makemore-pool".into())
                .spawn(f)
                .expect("spawn a pool thread");
        })
    }

    /// Threads taking part in a job, the caller included.
    pub fn threads(&self) -> usize {
        self.shared.threads.len() + 1
    }

    /// Runs `f(chunk)` for every chunk in 0..chunks, on the calling thread and the helpers;
    /// returns when all are done. Panics if a chunk panicked.
    pub fn run(&self, chunks: usize, f: &(dyn Fn(usize) + Sync)) {
        let s = &*self.shared;
        if s.threads.is_empty() || chunks < 2 {
            return (0..chunks).for_each(f);
        }
        assert!(!self.busy.swap(true, Acquire), "Pool::run is not reentrant");
        let job: JobRef = f;
        s.chunks.store(chunks, Relaxed);
        for (t, (next, done)) in s.next.iter().zip(&s.done).enumerate() {
            next.store(share(chunks, s.next.len(), t).start, Relaxed);
            done.store(0, Relaxed);
        }
        // SAFETY (of the helpers' use): `job` lives until this call returns, and it returns only
        // after clearing the pointer and seeing no helper inside the job.
        s.job
            .store(&job as *const JobRef as *mut JobRef<'static>, SeqCst);
        s.epoch.fetch_add(1, SeqCst);
        wake_sleepers(s);
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| claim(s, 0, f)));
        self.wait(|| s.done.iter().map(|d| d.load(Acquire)).sum::<usize>() == chunks);
        s.job.store(std::ptr::null_mut(), SeqCst);
        self.wait(|| s.active.load(SeqCst) == 0);
        self.busy.store(false, Release);
        if let Err(e) = mine {
            std::panic::resume_unwind(e);
        }
        assert!(!s.panicked.swap(false, Relaxed), "a pool thread panicked");
    }

    /// Waits until `ready()`: spinning, then asleep until a helper leaving a job wakes it (a
    /// helper that is slow or descheduled gets this core meanwhile).
    fn wait(&self, ready: impl Fn() -> bool) {
        let s = &*self.shared;
        let mut spin = Spin::default();
        while !ready() {
            if spin.more() {
                continue;
            }
            *s.caller.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::thread::current());
            s.caller_sleeping.store(true, SeqCst);
            if !ready() {
                std::thread::park();
            }
            s.caller_sleeping.store(false, SeqCst);
            spin = Spin::default();
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let s = &*self.shared;
        s.shutdown.store(true, SeqCst);
        s.epoch.fetch_add(1, SeqCst);
        wake_sleepers(s);
    }
}

/// Thread `t`'s share of `chunks` among `threads`.
fn share(chunks: usize, threads: usize, t: usize) -> std::ops::Range<usize> {
    chunks * t / threads..chunks * (t + 1) / threads
}

/// Thread `t` claims and runs the chunks of its share of the current job, then those left of
/// the other shares, until none is left.
fn claim(s: &Shared, t: usize, f: JobRef) {
    let (chunks, threads) = (s.chunks.load(Acquire), s.next.len());
    for u in (t..threads).chain(0..t) {
        let end = share(chunks, threads, u).end;
        loop {
            let c = s.next[u].fetch_add(1, AcqRel);
            if c >= end {
                break;
            }
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(c)));
            if r.is_err() {
                s.panicked.store(true, Relaxed);
            }
            s.done[t].fetch_add(1, Release);
        }
    }
}

/// Unparks every helper that went (or is about to go) to sleep. With the epoch bumped (SeqCst)
/// before the flags are read, a helper either sees the new epoch or is seen sleeping.
fn wake_sleepers(s: &Shared) {
    for (t, sleeping) in s.threads.iter().zip(&s.sleeping) {
        if sleeping.load(SeqCst) {
            if let Some(t) = t.get() {
                t.unpark();
            }
        }
    }
}

/// A helper's life: wait for a new epoch (spin, then park), claim chunks of the job, leave (and
/// wake the caller if it sleeps); until shutdown.
fn helper(s: &Shared, h: usize) {
    s.threads[h].get_or_init(std::thread::current);
    let mut seen = 0u32;
    loop {
        let mut spin = Spin::default();
        let epoch = loop {
            let e = s.epoch.load(Acquire);
            if e != seen {
                break e;
            }
            if spin.more() {
                continue;
            }
            s.sleeping[h].store(true, SeqCst);
            if s.epoch.load(SeqCst) == seen {
                std::thread::park();
            }
            s.sleeping[h].store(false, SeqCst);
            spin = Spin::default();
        };
        seen = epoch;
        if s.shutdown.load(Acquire) {
            return;
        }
        // Enter, then read the job (SeqCst both here and in `run`): either the caller sees this
        // helper inside, or this sees the job cleared.
        s.active.fetch_add(1, SeqCst);
        let job = s.job.load(SeqCst);
        if !job.is_null() {
            // SAFETY: see `run`: the job outlives every helper inside it.
            claim(s, h + 1, unsafe { *job });
        }
        s.active.fetch_sub(1, SeqCst);
        if s.caller_sleeping.load(SeqCst) {
            if let Some(t) = &*s.caller.lock().unwrap_or_else(|e| e.into_inner()) {
                t.unpark();
            }
        }
    }
}

/// Chunks of a job per thread: enough that a descheduled thread leaves little for the others
/// to wait for, few enough that each is a sizeable block of the output.
const CHUNKS_PER_THREAD: usize = 4;

/// How the model's step runs: on the calling thread alone, or split across a shared `Pool`.
/// Results are the same bit for bit either way (see `kernels::split`).
#[derive(Clone, Debug, Default)]
pub struct Par {
    pool: Option<Arc<Pool>>,
}

impl Par {
    /// The calling thread alone (the default).
    pub fn single() -> Par {
        Par { pool: None }
    }

    /// Jobs split across `pool`'s threads; a one-thread pool is the same as `single()`.
    pub fn pool(pool: Arc<Pool>) -> Par {
        if pool.threads() > 1 {
            Par { pool: Some(pool) }
        } else {
            Par::single()
        }
    }

    /// A native pool of `threads` (the caller included); 1 gives `single()`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn threads(threads: usize) -> Par {
        if threads > 1 {
            Par::pool(Arc::new(Pool::new(threads)))
        } else {
            Par::single()
        }
    }

    /// Threads a job is split across.
    pub fn n(&self) -> usize {
        self.pool.as_ref().map_or(1, |p| p.threads())
    }

    /// Runs `f(chunk, chunks)` for every chunk in 0..chunks, spread over the threads, with
    /// chunks = `CHUNKS_PER_THREAD * n()` when `split`, else `f(0, 1)` on the calling thread
    /// (work too small to be worth a hand-off).
    pub fn run(&self, split: bool, f: impl Fn(usize, usize) + Sync) {
        match &self.pool {
            Some(p) if split => {
                let n = CHUNKS_PER_THREAD * p.threads();
                p.run(n, &|c| f(c, n));
            }
            _ => f(0, 1),
        }
    }
}

/// The `part`-th of `parts` nearly equal blocks of 0..n, with every boundary but n a multiple of
/// `align` (so a block can be empty when n is small).
pub fn block(n: usize, align: usize, part: usize, parts: usize) -> std::ops::Range<usize> {
    let units = n.div_ceil(align);
    let at = |p: usize| (units * p / parts * align).min(n);
    at(part)..at(part + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;
    use std::time::Duration;

    #[test]
    fn every_chunk_runs_once_per_job_across_sleeps_of_helpers_and_caller() {
        let pool = Pool::new(3);
        let hits: Vec<AtomicU64> = (0..7).map(|_| AtomicU64::new(0)).collect();
        for round in 0..200u64 {
            pool.run(7, &|c| {
                if c == 6 && round % 40 == 0 {
                    // A slow chunk: the caller stops spinning and sleeps until it is done.
                    std::thread::sleep(Duration::from_millis(3));
                }
                hits[c].fetch_add(1, Relaxed);
            });
            if round % 50 == 0 {
                // Long enough for the helpers to park; the next job must wake them.
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        assert!(hits.iter().all(|h| h.load(Relaxed) == 200));
    }

    #[test]
    fn a_panicking_part_is_reported_and_the_pool_still_works() {
        let pool = Pool::new(2);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.run(4, &|c| assert!(c != 3, "chunk {c}"))
        }));
        assert!(r.is_err());
        let n = AtomicUsize::new(0);
        pool.run(4, &|_| {
            n.fetch_add(1, Relaxed);
        });
        assert_eq!(n.load(Relaxed), 4);
    }

    /// CPU time (user + system, in clock ticks) of this process's threads named `name`.
    #[cfg(target_os = "linux")]
    fn cpu_ticks(name: &str) -> u64 {
        let mut ticks = 0;
        for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            if comm.trim() != name {
                continue;
            }
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap();
            let f: Vec<&str> = stat
                .rsplit(')')
                .next()
                .unwrap()
                .split_whitespace()
                .collect();
            // After the command name: utime and stime are the 12th and 13th fields.
            ticks += f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
        }
        ticks
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn an_idle_pool_burns_no_cpu() {
        let name = "idle-pool-test";
        let pool = Pool::with_spawner(3, |f| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .unwrap();
        });
        pool.run(6, &|_| {});
        std::thread::sleep(Duration::from_millis(20));
        let before = cpu_ticks(name);
        std::thread::sleep(Duration::from_millis(300));
        let used = cpu_ticks(name) - before;
        // Two spinning helpers would use about 60 ticks (of 10 ms) here.
        assert!(used <= 3, "{used} ticks of CPU in 300 ms idle");
    }

    #[test]
    fn blocks_cover_the_range_on_aligned_boundaries() {
        for n in [0, 1, 7, 27, 200, 201, 1000] {
            for parts in 1..5 {
                let blocks: Vec<_> = (0..parts).map(|p| block(n, 8, p, parts)).collect();
                assert_eq!(blocks[0].start, 0);
                assert_eq!(blocks[parts - 1].end, n);
                for w in blocks.windows(2) {
                    assert_eq!(w[0].end, w[1].start);
                    assert!(w[0].end % 8 == 0 || w[0].end == n);
                }
            }
        }
    }
}
