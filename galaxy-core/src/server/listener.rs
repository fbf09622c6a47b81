use std::net::SocketAddr;

use socket2::{Domain, Protocol, Socket, Type};

use crate::Error;

/// A non-blocking listener on `addr`; with `reuse_port` several may share one port, and the
/// kernel spreads connections between them.
pub(crate) fn bind(
    addr: SocketAddr,
    reuse_port: bool,
    backlog: i32,
) -> Result<std::net::TcpListener, Error> {
    let bind_error = |source| Error::Bind { addr, source };
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(bind_error)?;
    socket.set_reuse_address(true).map_err(bind_error)?;
    if reuse_port {
        socket.set_reuse_port(true).map_err(bind_error)?;
    }
    socket.set_nonblocking(true).map_err(bind_error)?;
    socket.bind(&addr.into()).map_err(bind_error)?;
    socket.listen(backlog).map_err(bind_error)?;
    Ok(socket.into())
}
