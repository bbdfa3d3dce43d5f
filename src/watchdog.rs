//! The systemd watchdog of `pdo-kiosk.service`: the kiosk runs under cage, so the service's main process is cage and
//! the kiosk pings for it (`NotifyAccess=all`). The pings come from the UI's own update loop, so a kiosk whose
//! screen froze stops pinging and systemd restarts it. Outside systemd (no `WATCHDOG_USEC`) nothing happens.

use std::time::Duration;

/// How often to ping: half the watchdog period systemd set, or `None` without a watchdog.
pub fn period() -> Option<Duration> {
    period_from(std::env::var("WATCHDOG_USEC").ok().as_deref())
}

fn period_from(usec: Option<&str>) -> Option<Duration> {
    // WATCHDOG_PID names cage, not this process, so it is not compared (sd_notify's own check would refuse).
    let usec: u64 = usec?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec) / 2)
}

/// One ping, never blocking the UI: the datagram goes out non-blocking, and when the service manager's queue is full
/// (it is not reading) the ping is dropped, as a late one would be.
pub fn ping() {
    let Some(target) = std::env::var_os("NOTIFY_SOCKET") else { return };
    if let Err(err) = send_nonblocking(&target, b"WATCHDOG=1\n") {
        tracing::debug!(error = %err, "watchdog ping not sent");
    }
}

fn send_nonblocking(target: &std::ffi::OsStr, message: &[u8]) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let socket = UnixDatagram::unbound()?;
    socket.set_nonblocking(true)?;
    let bytes = target.as_bytes();
    let address = match bytes.strip_prefix(b"@") {
        // An abstract socket name, as systemd may hand out.
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name)?
        }
        None => SocketAddr::from_pathname(std::path::Path::new(target))?,
    };
    socket.send_to_addr(message, &address).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ping_reaches_the_socket_and_a_full_queue_never_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let manager = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        send_nonblocking(path.as_os_str(), b"WATCHDOG=1\n").unwrap();
        let mut buf = [0u8; 32];
        let n = manager.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"WATCHDOG=1\n");
        // Nobody reads any more: the queue fills, and sending returns (an error) instead of waiting.
        let refused = (0..10_000).map(|_| send_nonblocking(path.as_os_str(), b"WATCHDOG=1\n")).find(Result::is_err);
        assert_eq!(refused.map(|e| e.unwrap_err().kind()), Some(std::io::ErrorKind::WouldBlock));
    }

    #[test]
    fn half_the_period_systemd_set_or_none() {
        assert_eq!(period_from(Some("60000000")), Some(Duration::from_secs(30)));
        assert_eq!(period_from(None), None);
        assert_eq!(period_from(Some("0")), None);
        assert_eq!(period_from(Some("soon")), None);
    }
}
