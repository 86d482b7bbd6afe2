//! Ctrl-C, owned in one place. Modules that leave something behind when the
//! grader is interrupted register a hook — [`process`](crate::process) kills
//! the running tests and their browser, [`keyboard`](crate::keyboard) puts
//! the terminal back — and the handler runs every hook, in the order they
//! were registered, then exits with 130 as shells expect. Neither module
//! needs to know about the other. `watch`'s q during a grade stops the
//! same way, exiting with 0.

use std::sync::{Mutex, Once};

type Hook = Box<dyn Fn() + Send>;

/// Hooks, run in the order they were added.
struct Hooks(Mutex<Vec<Hook>>);

impl Hooks {
    const fn new() -> Hooks {
        Hooks(Mutex::new(Vec::new()))
    }

    fn add(&self, hook: Hook) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(hook);
    }

    fn run(&self) {
        // A hook that panicked while holding the lock must not stop the others.
        for hook in self.0.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            hook();
        }
    }
}

/// The grader's. Running them stops every run for good (process's hook
/// marks the grader as stopping), so only the handler and `stop` do.
static HOOKS: Hooks = Hooks::new();
static HANDLER: Once = Once::new();

/// Runs `hook` when the grader is interrupted (installing the handler the
/// first time).
pub fn on_interrupt(hook: impl Fn() + Send + 'static) {
    HOOKS.add(Box::new(hook));
    HANDLER.call_once(|| {
        let _ = ctrlc::set_handler(|| stop(130, "\ninterrupted: stopped the running tests and their browser"));
    });
}

/// Runs every hook, says `why` and exits with `code`, whatever the other
/// threads are doing: a run they wait on is killed, and they never report it.
pub fn stop(code: i32, why: &str) -> ! {
    HOOKS.run();
    eprintln!("{why}");
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn every_hook_runs_in_the_order_registered() {
        let order = Arc::new(Mutex::new(Vec::new()));
        let calls = Arc::new(AtomicUsize::new(0));
        // Hooks of its own: the grader's would stop every run in this process.
        let hooks = Hooks::new();
        for label in ["first", "second"] {
            let (order, calls) = (order.clone(), calls.clone());
            hooks.add(Box::new(move || {
                order.lock().unwrap().push(label);
                calls.fetch_add(1, Ordering::SeqCst);
            }));
        }
        hooks.run();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(*order.lock().unwrap(), ["first", "second"]);
    }
}
