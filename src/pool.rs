//! Threads for one training step: a `Pool` of long-lived helper threads that the calling thread
//! hands work to through an atomic counter, and `Par`, the handle the model holds (one thread
//! when it holds no pool).
//!
//! Why not a task pool per call: the products of a step take 5-50 µs each, and waking a sleeping
//! thread costs tens of µs (an empty `rayon::join` called from JS costs 20-38 µs). So helpers stay
//! awake between the products of a step, spinning on the counter (a hand-off costs well under a
//! µs), and sleep (`thread::park`, a futex; `Atomics.wait` in a browser) only after a few hundred µs
//! without work (`SPINS`), so a paused lab burns no CPU. The caller always does part 0 itself.
//!
//! A job is `f(part)` for every part in 0..threads, each part writing its own block of the
//! output (see `kernels::split`); `run` returns when every part is done.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering::*};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;

/// How many times a helper polls without work before it sleeps: a few hundred µs, longer than
/// the gaps between the products of one step, far shorter than a human notices. Counted, not
/// timed (wasm32-unknown-unknown has no clock); natively each poll includes a `pause`
/// instruction (tens of ns), on wasm `spin_loop` is nothing and a poll takes about a ns.
#[cfg(not(target_arch = "wasm32"))]
const SPINS: u32 = 1 << 13;
#[cfg(target_arch = "wasm32")]
const SPINS: u32 = 1 << 18;

type Job = *const (dyn Fn(usize) + Sync);

/// State shared by the caller and the helpers.
struct Shared {
    /// Bumped once per job (and once at shutdown); a helper runs the job when it sees it change.
    epoch: AtomicU32,
    /// The current job, valid while helpers of this epoch are running it.
    job: UnsafeCell<Option<Job>>,
    /// Helpers still running the current job.
    pending: AtomicUsize,
    /// A helper's part panicked (natively; wasm aborts on panic).
    panicked: AtomicBool,
    shutdown: AtomicBool,
    /// Per helper: its thread (set when it starts) and whether it is (about to be) parked.
    threads: Vec<OnceLock<Thread>>,
    sleeping: Vec<AtomicBool>,
}

// SAFETY: `job` is written only by the caller while no helper reads it (between jobs: `pending`
// is 0), and read by helpers only after the epoch's release store published it.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}
// A panicking part leaves the pool usable (`run` waits for every part either way), so a model
// that holds one stays unwind-safe.
impl std::panic::RefUnwindSafe for Shared {}
impl std::panic::UnwindSafe for Shared {}

/// Long-lived helper threads plus the calling thread: `threads()` parts per job.
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
            job: UnsafeCell::new(None),
            pending: AtomicUsize::new(0),
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

    /// Runs `f(part)` for every part in 0..threads(): part 0 on the calling thread, the others
    /// on the helpers; returns when all are done. Panics if a part panicked.
    pub fn run(&self, f: &(dyn Fn(usize) + Sync)) {
        let s = &*self.shared;
        if s.threads.is_empty() {
            return f(0);
        }
        assert!(!self.busy.swap(true, Acquire), "Pool::run is not reentrant");
        // SAFETY: the lifetime is erased only while this call waits for every helper to finish.
        let job: Job = unsafe { std::mem::transmute::<&(dyn Fn(usize) + Sync), Job>(f) };
        unsafe { *s.job.get() = Some(job) };
        s.pending.store(s.threads.len(), Relaxed);
        s.epoch.fetch_add(1, SeqCst);
        wake_sleepers(s);
        let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(0)));
        let mut spins = 0u32;
        while s.pending.load(Acquire) != 0 {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(4096) {
                // A helper was descheduled: let it run (a no-op where threads cannot yield).
                std::thread::yield_now();
            }
            std::hint::spin_loop();
        }
        unsafe { *s.job.get() = None };
        self.busy.store(false, Release);
        if let Err(e) = mine {
            std::panic::resume_unwind(e);
        }
        assert!(!s.panicked.swap(false, Relaxed), "a pool thread panicked");
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

/// A helper's life: wait for a new epoch (spin, then park), run its part, count down; until
/// shutdown.
fn helper(s: &Shared, h: usize) {
    s.threads[h].get_or_init(std::thread::current);
    let mut seen = 0u32;
    loop {
        let mut spins = 0u32;
        let epoch = loop {
            let e = s.epoch.load(Acquire);
            if e != seen {
                break e;
            }
            if spins < SPINS {
                spins += 1;
                std::hint::spin_loop();
                continue;
            }
            s.sleeping[h].store(true, SeqCst);
            if s.epoch.load(SeqCst) == seen {
                std::thread::park();
            }
            s.sleeping[h].store(false, SeqCst);
            spins = 0;
        };
        seen = epoch;
        if s.shutdown.load(Acquire) {
            return;
        }
        // SAFETY: the caller published the job before bumping the epoch, and keeps it alive
        // until `pending` reaches 0.
        let job = unsafe { (*s.job.get()).expect("a job with the epoch") };
        let f = unsafe { &*job };
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(h + 1))).is_err() {
            s.panicked.store(true, Relaxed);
        }
        s.pending.fetch_sub(1, Release);
    }
}

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

    /// Runs `f(part, parts)` for every part in 0..parts, with parts = `n()` when `split`, else
    /// `f(0, 1)` on the calling thread (work too small to be worth a hand-off).
    pub fn run(&self, split: bool, f: impl Fn(usize, usize) + Sync) {
        match &self.pool {
            Some(p) if split => {
                let n = p.threads();
                p.run(&|part| f(part, n));
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
    fn every_part_runs_once_per_job_across_sleeps() {
        let pool = Pool::new(3);
        let hits = AtomicU64::new(0);
        for round in 0..200u64 {
            pool.run(&|part| {
                hits.fetch_add(1 << (part * 16), Relaxed);
            });
            if round % 50 == 0 {
                // Long enough for the helpers to park; the next job must wake them.
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        let h = hits.load(Relaxed);
        assert_eq!([h & 0xffff, (h >> 16) & 0xffff, h >> 32], [200, 200, 200]);
    }

    #[test]
    fn a_panicking_part_is_reported_and_the_pool_still_works() {
        let pool = Pool::new(2);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.run(&|part| assert!(part == 0, "part {part}"))
        }));
        assert!(r.is_err());
        let n = AtomicUsize::new(0);
        pool.run(&|_| {
            n.fetch_add(1, Relaxed);
        });
        assert_eq!(n.load(Relaxed), 2);
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
