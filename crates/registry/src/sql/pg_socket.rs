//! A PostgreSQL connection whose I/O runs on the thread that waits for its answer.
//!
//! tokio-postgres splits a connection in two: the `Client` that queues requests, and the `Connection` future that
//! writes them to the socket and reads the answers. Spawned on a runtime, the `Connection` runs on another thread,
//! so every round trip crossed threads twice more (the step's thread to the I/O thread and back) on top of the
//! server's. On the two cores the registry was measured on, those switches were a fifth of the CPU under load.
//!
//! Here the waiting thread drives the `Connection` itself, as libpq does: it polls the request and the connection in
//! turn, and when neither can move it sleeps in `poll(2)` until the socket is readable (or writable, when a large
//! request filled its buffer). No runtime is involved, so it works from any thread, async or not; the steps are
//! blocking code on the blocking pool anyway.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::config::Host;
use tokio_postgres::tls::NoTlsStream;

use super::SqlError;

/// The server's socket, non-blocking: an operation that would block answers `Pending`, and the driver waits on the
/// descriptor instead of a waker.
pub struct Socket {
    stream: Stream,
    /// A write would have blocked: the driver also waits for the socket to take more.
    write_blocked: Arc<AtomicBool>,
}

enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    fn io(&mut self) -> &mut dyn ReadWrite {
        match self {
            Stream::Tcp(s) => s,
            Stream::Unix(s) => s,
        }
    }

    fn fd(&self) -> RawFd {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

/// Opens a socket to the first of `config`'s hosts that answers, as tokio-postgres's own `connect` would (a
/// `hostaddr` taking the place of its host's name): TCP with no Nagle delay (requests go out pipelined) and
/// keepalives, or a Unix socket in the host's directory.
pub fn open(config: &tokio_postgres::Config) -> io::Result<Socket> {
    let (hosts, addrs, ports) = (config.get_hosts(), config.get_hostaddrs(), config.get_ports());
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no host to connect to");
    for i in 0..hosts.len().max(addrs.len()) {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        let stream = match (addrs.get(i), hosts.get(i)) {
            (Some(ip), _) => tcp(&[SocketAddr::new(*ip, port)], config),
            (None, Some(Host::Tcp(name))) => {
                (name.as_str(), port).to_socket_addrs().and_then(|a| tcp(&a.collect::<Vec<_>>(), config))
            }
            (None, Some(Host::Unix(dir))) => {
                UnixStream::connect(dir.join(format!(".s.PGSQL.{port}"))).map(Stream::Unix)
            }
            (None, None) => unreachable!("i is below the longer list's length"),
        };
        match stream {
            Ok(stream) => {
                match &stream {
                    Stream::Tcp(s) => s.set_nonblocking(true)?,
                    Stream::Unix(s) => s.set_nonblocking(true)?,
                }
                return Ok(Socket { stream, write_blocked: Arc::new(AtomicBool::new(false)) });
            }
            Err(err) => last = err,
        }
    }
    Err(last)
}

fn tcp(addrs: &[SocketAddr], config: &tokio_postgres::Config) -> io::Result<Stream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host has no address");
    for addr in addrs {
        let connected = match config.get_connect_timeout() {
            Some(timeout) => TcpStream::connect_timeout(addr, *timeout),
            None => TcpStream::connect(addr),
        };
        match connected {
            Ok(stream) => {
                stream.set_nodelay(true)?;
                if config.get_keepalives() {
                    let keepalive = socket2::TcpKeepalive::new().with_time(config.get_keepalives_idle());
                    socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive)?;
                }
                return Ok(Stream::Tcp(stream));
            }
            Err(err) => last = err,
        }
    }
    Err(last)
}

impl AsyncRead for Socket {
    fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match this.stream.io().read(buf.initialize_unfilled()) {
                Ok(n) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Poll::Pending,
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }
}

impl AsyncWrite for Socket {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            match this.stream.io().write(data) {
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    this.write_blocked.store(true, Ordering::Relaxed);
                    return Poll::Pending;
                }
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered here: a write went to the kernel or was refused.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let shut = match &self.stream {
            Stream::Tcp(s) => s.shutdown(std::net::Shutdown::Write),
            Stream::Unix(s) => s.shutdown(std::net::Shutdown::Write),
        };
        Poll::Ready(shut.or(Ok(())))
    }
}

pub type Connection = tokio_postgres::Connection<Socket, NoTlsStream>;

/// What the waiting thread needs to drive a connection: the `Connection` (gone once it ended) and its socket's
/// descriptor and write state.
pub struct Driver {
    /// `None` while the start-up runs (it drives the socket itself) and once the connection has ended.
    connection: Option<Connection>,
    ended: bool,
    fd: RawFd,
    write_blocked: Arc<AtomicBool>,
}

/// Notes that a future was woken (a channel between the client and the connection moved), so the driver polls
/// again rather than sleeping on the socket.
struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Driver {
    /// Connects to `config`'s server and runs the start-up (authentication included) on this thread.
    pub fn connect(config: &tokio_postgres::Config) -> Result<(tokio_postgres::Client, Driver), SqlError> {
        let socket = open(config).map_err(|e| SqlError::Db { code: None, message: format!("connecting: {e}") })?;
        let (fd, write_blocked) = (socket.stream.fd(), socket.write_blocked.clone());
        let mut starting = Driver { connection: None, ended: false, fd, write_blocked };
        let (client, connection) = starting.drive(config.connect_raw(socket, tokio_postgres::NoTls))?;
        Ok((client, Driver { connection: Some(connection), ..starting }))
    }

    /// Polls `request` and the connection until `request` is answered.
    pub fn drive<F: Future>(&mut self, request: F) -> F::Output {
        let woken = Arc::new(Woken(AtomicBool::new(false)));
        let waker = Waker::from(woken.clone());
        let mut cx = Context::from_waker(&waker);
        let mut request = pin!(request);
        loop {
            woken.0.store(false, Ordering::Relaxed);
            if let Poll::Ready(answer) = request.as_mut().poll(&mut cx) {
                return answer;
            }
            if !self.poll_connection(&mut cx) {
                // The connection ended: the request gets its "closed" error on its next poll.
                continue;
            }
            if !woken.0.load(Ordering::Relaxed) {
                self.wait_for_socket();
            }
        }
    }

    /// Lets the connection write what was queued (a request sent without waiting) and read what has arrived,
    /// without waiting for anything.
    pub fn flush(&mut self) {
        let waker = Waker::noop();
        self.poll_connection(&mut Context::from_waker(waker));
    }

    /// Whether the connection has ended (the server closed it, say); reads what has arrived to find out.
    pub fn is_closed(&mut self) -> bool {
        self.flush();
        self.ended
    }

    /// Polls the connection once; `false` once it has ended (and was dropped, which closes the client's side).
    fn poll_connection(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(connection) = self.connection.as_mut() else { return !self.ended };
        match Pin::new(connection).poll(cx) {
            Poll::Pending => true,
            Poll::Ready(ended) => {
                if let Err(err) = ended {
                    tracing::warn!(error = %err, "PostgreSQL connection ended");
                }
                self.connection = None;
                self.ended = true;
                false
            }
        }
    }

    fn wait_for_socket(&self) {
        let mut events = libc::POLLIN;
        if self.write_blocked.swap(false, Ordering::Relaxed) {
            events |= libc::POLLOUT;
        }
        let mut fd = libc::pollfd { fd: self.fd, events, revents: 0 };
        // An interrupted or failed poll just polls the futures again.
        unsafe { libc::poll(&mut fd, 1, -1) };
    }
}
