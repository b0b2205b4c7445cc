//! How much of the machine's CPU other processes took during a measurement.
//!
//! Client and servers share the machine with whatever else runs on it; a
//! compiler in the background easily halves a server's throughput. The
//! benchmark cannot prevent that, but it can say so. Reads Linux's
//! `/proc/stat` and `/proc/self/stat`; elsewhere it reports nothing.
//!
//! ```ignore
//! let before = CpuSample::now();
//! // … measure …
//! if let Some(share) = before.and_then(|before| before.foreign_share_since()) {
//!     eprintln!("other processes used {share:.0}% of the CPUs");
//! }
//! ```

/// Busy time of the machine and of this process, in clock ticks.
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    machine_busy: u64,
    machine_total: u64,
    own: u64,
}

impl CpuSample {
    /// The counters now, or `None` where `/proc` is not available.
    pub fn now() -> Option<CpuSample> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let ticks: Vec<u64> =
            stat.lines().next()?.split_whitespace().skip(1).map(|field| field.parse().unwrap_or(0)).collect();
        // user nice system idle iowait irq softirq steal: interrupts are
        // mostly this process's loopback traffic, so they count as its own.
        let [user, nice, system, idle, iowait, irq, softirq, steal, ..] = ticks[..] else {
            return None;
        };
        let own_stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Fields after the command name, which sits in parentheses: utime is the 12th, stime the 13th.
        let after_name = &own_stat[own_stat.rfind(')')? + 1..];
        let mut fields = after_name.split_whitespace().skip(11);
        let utime: u64 = fields.next()?.parse().ok()?;
        let stime: u64 = fields.next()?.parse().ok()?;
        Some(CpuSample {
            machine_busy: user + nice + system + steal,
            machine_total: user + nice + system + idle + iowait + irq + softirq + steal,
            own: utime + stime,
        })
    }

    /// The share (0–100 %) of all CPUs that other processes used since `self`.
    pub fn foreign_share_since(&self) -> Option<f64> {
        let now = CpuSample::now()?;
        let total = now.machine_total.checked_sub(self.machine_total)?;
        if total == 0 {
            return None;
        }
        let busy = now.machine_busy.saturating_sub(self.machine_busy);
        let own = now.own.saturating_sub(self.own);
        Some(100.0 * busy.saturating_sub(own) as f64 / total as f64)
    }
}
