//! Where argon2 runs for requests: a fixed set of threads, one per core (at least two), fed by two bounded queues.
//!
//! One verification costs ~25 ms of CPU and a 19 MiB block on purpose. Run on tokio's blocking pool, a flood of
//! sign-ins with random logins started as many verifications as there were requests: every core busy, memory
//! growing with the flood, and kiosks waiting behind it. Here at most `workers` verifications run at once (so at most
//! that many blocks are live), and a request that would have to queue beyond a small bound is refused at once as
//! `Busy` (`503 busy` with `Retry-After`) instead of waiting.
//!
//! Kiosk and staff credentials (`Class::Credential`) have a share applicants cannot take: applicant work may occupy
//! all workers but `reserved`, and a free worker always takes credential work first. So a flood of applicant
//! sign-ins slows applicants down but cannot starve the kiosks.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};

/// Whose verification it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Passwords typed by applicants, and credentials of kiosk or staff ids that do not exist.
    Applicant,
    /// Secrets of kiosks and staff members that exist.
    Credential,
}

/// The class's queue is full: answer `503` and let the client come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the password checks are busy")]
pub struct Busy;

/// Seconds a `503 busy` asks the client to wait.
pub const BUSY_RETRY_AFTER: i64 = 1;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct State {
    credential: VecDeque<Job>,
    applicant: VecDeque<Job>,
    applicant_running: usize,
    /// Tickets held per class: queued or running jobs and admissions not yet turned into jobs.
    admitted: [usize; 2],
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    sizes: Sizes,
}

/// How many threads, how many of them applicants may occupy, and how many tickets each class may hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizes {
    pub workers: usize,
    pub applicant_workers: usize,
    pub admitted: [usize; 2],
}

impl Sizes {
    /// From the number of cores: one worker per core, at least two so one can be reserved; a quarter (at least one)
    /// reserved for credentials; queues of four jobs per worker that may take them, so a queued verification
    /// waits some 100 ms at most on a quiet machine.
    pub fn for_cores(cores: usize) -> Sizes {
        let workers = cores.max(2);
        let reserved = (workers / 4).max(1);
        let applicant_workers = workers - reserved;
        Sizes { workers, applicant_workers, admitted: [applicant_workers * 5, workers * 5] }
    }
}

fn index(class: Class) -> usize {
    match class {
        Class::Applicant => 0,
        Class::Credential => 1,
    }
}

#[derive(Clone)]
pub struct HashPool {
    shared: Arc<Shared>,
}

/// The process's pool, sized from its cores and started on first use.
pub fn pool() -> &'static HashPool {
    static POOL: LazyLock<HashPool> = LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashPool::start(Sizes::for_cores(cores))
    });
    &POOL
}

impl HashPool {
    pub fn start(sizes: Sizes) -> HashPool {
        fix_mmap_threshold();
        let shared = Arc::new(Shared { state: Mutex::default(), wake: Condvar::new(), sizes });
        for n in 0..sizes.workers {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&shared))
                .expect("spawning a password-check thread");
        }
        HashPool { shared }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place in `class`'s queue, taken before any other work for the request (reading the database included), so a
    /// refused request costs nearly nothing.
    pub fn admit(&self, class: Class) -> Result<Ticket, Busy> {
        let mut state = self.lock();
        let i = index(class);
        if state.admitted[i] >= self.shared.sizes.admitted[i] {
            return Err(Busy);
        }
        state.admitted[i] += 1;
        Ok(Ticket { pool: self.clone(), class, used: false })
    }

    /// Admits and runs `f` on a pool thread.
    pub async fn run<R: Send + 'static>(
        &self,
        class: Class,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, Busy> {
        self.admit(class)?.run(f).await
    }

    /// The same from a blocking thread (a storage method).
    pub fn run_blocking<R: Send + 'static>(
        &self,
        class: Class,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, Busy> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.admit(class)?.submit(Box::new(move || {
            let _ = tx.send(f());
        }));
        rx.recv().map_err(|_| Busy)
    }
}

/// A place in a queue; given back when dropped, or when the job it became has run.
pub struct Ticket {
    pool: HashPool,
    class: Class,
    used: bool,
}

impl Ticket {
    /// Runs `f` on a pool thread. A caller that went away meanwhile (the client hung up) costs no verification.
    pub async fn run<R: Send + 'static>(self, f: impl FnOnce() -> R + Send + 'static) -> Result<R, Busy> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(Box::new(move || {
            if !tx.is_closed() {
                let _ = tx.send(f());
            }
        }));
        rx.await.map_err(|_| Busy)
    }

    fn submit(mut self, job: Job) {
        self.used = true;
        let (pool, class) = (self.pool.clone(), self.class);
        let release = move || {
            // A panicking job must not take a worker or a place with it; its caller sees its channel closed.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            let mut state = pool.lock();
            state.admitted[index(class)] -= 1;
            if class == Class::Applicant {
                state.applicant_running -= 1;
            }
            drop(state);
            pool.shared.wake.notify_all();
        };
        let mut state = self.pool.lock();
        match self.class {
            Class::Applicant => state.applicant.push_back(Box::new(release)),
            Class::Credential => state.credential.push_back(Box::new(release)),
        }
        drop(state);
        self.pool.shared.wake.notify_all();
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.used {
            self.pool.lock().admitted[index(self.class)] -= 1;
        }
    }
}

/// Makes glibc serve every allocation of 1 MiB or more with its own mapping, returned to the system when freed.
/// By default glibc raises that threshold to the size of the largest mapping freed so far (up to 32 MiB): after the
/// first argon2 block (19 MiB) was freed, blocks and every other large buffer came from the heaps, and a flood of
/// sign-ins left the process at ~500 MiB instead of ~35 (measured with `benches/flood.rs`). Setting the threshold
/// once switches that adjustment off, for the whole process (the kiosk embedding the registry included).
fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; M_MMAP_THRESHOLD with a positive size has no preconditions.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn work(shared: &Shared) {
    loop {
        let job = {
            let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(job) = state.credential.pop_front() {
                    break job;
                }
                if state.applicant_running < shared.sizes.applicant_workers
                    && let Some(job) = state.applicant.pop_front()
                {
                    state.applicant_running += 1;
                    break job;
                }
                state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        };
        job();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn sizes_keep_a_share_for_credentials() {
        let two = Sizes::for_cores(2);
        assert_eq!((two.workers, two.applicant_workers), (2, 1));
        assert_eq!(Sizes::for_cores(1).workers, 2, "one core still gets a reserved worker");
        let eight = Sizes::for_cores(8);
        assert_eq!((eight.workers, eight.applicant_workers), (8, 6));
    }

    #[test]
    fn a_full_applicant_queue_refuses_at_once_and_credentials_still_run() {
        let pool = HashPool::start(Sizes { workers: 2, applicant_workers: 1, admitted: [3, 4] });
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let wait_for_gate = |gate: Arc<(Mutex<bool>, Condvar)>| {
            move || {
                let (open, cv) = &*gate;
                let _guard = cv.wait_while(open.lock().unwrap(), |open| !*open).unwrap();
            }
        };
        let blocked: Vec<_> = (0..3)
            .map(|_| {
                let ticket = pool.admit(Class::Applicant).unwrap();
                let job = wait_for_gate(gate.clone());
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
                    runtime.block_on(ticket.run(job)).unwrap();
                })
            })
            .collect();
        assert_eq!(pool.admit(Class::Applicant).err(), Some(Busy), "the applicant queue is full");
        let ran = Arc::new(AtomicUsize::new(0));
        let counter = ran.clone();
        let answer = pool.run_blocking(Class::Credential, move || counter.fetch_add(1, Ordering::SeqCst));
        assert_eq!(answer, Ok(0), "the reserved worker takes credential work while applicants wait");
        let (open, cv) = &*gate;
        *open.lock().unwrap() = true;
        cv.notify_all();
        for handle in blocked {
            handle.join().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
        assert!(pool.admit(Class::Applicant).is_ok(), "places come back once the jobs have run");
    }
}
