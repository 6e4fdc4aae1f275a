//! Sign-in rate limits, per account and per client address: a sliding window of failures.
//!
//! Held in memory: one studio process answers sign-ins. (Several server processes behind one
//! load balancer would each count on their own; the limit then multiplies by their number.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct SignInLimiter {
    window: Duration,
    per_account: usize,
    per_address: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl SignInLimiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        Self { window, per_account, per_address, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(retry_after)` when the account or the address has failed too often lately.
    pub fn check(&self, email: &str, ip: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for (key, limit) in [(format!("a:{email}"), self.per_account), (format!("i:{ip}"), self.per_address)] {
            if let Some(q) = map.get_mut(&key) {
                while q.front().is_some_and(|t| now.duration_since(*t) > self.window) {
                    q.pop_front();
                }
                if q.len() >= limit {
                    let oldest = *q.front().unwrap_or(&now);
                    let w = self.window.saturating_sub(now.duration_since(oldest));
                    wait = Some(wait.map_or(w, |x: Duration| x.max(w)));
                }
            }
        }
        match wait {
            Some(w) => Err(w.max(Duration::from_secs(1))),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, email: &str, ip: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Bound memory under a flood of made-up emails: forget stale entries.
            let window = self.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) <= window));
        }
        for key in [format!("a:{email}"), format!("i:{ip}")] {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn record_success(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&format!("a:{email}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After `per_account` failures the account is locked for any address; other accounts are not.
    #[test]
    fn locks_account_then_address() {
        let l = SignInLimiter::new(Duration::from_secs(60), 3, 5);
        for _ in 0..3 {
            assert!(l.check("a@x.org", "1.1.1.1").is_ok());
            l.record_failure("a@x.org", "1.1.1.1");
        }
        assert!(l.check("a@x.org", "2.2.2.2").is_err(), "account limit applies from any address");
        assert!(l.check("b@x.org", "2.2.2.2").is_ok());
        l.record_failure("b@x.org", "1.1.1.1");
        l.record_failure("c@x.org", "1.1.1.1");
        assert!(l.check("d@x.org", "1.1.1.1").is_err(), "address limit: 5 failures from 1.1.1.1");
        assert!(l.check("d@x.org", "3.3.3.3").is_ok());
    }
}
