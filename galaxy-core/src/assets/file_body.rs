//! A response body that streams a slice of a file from disk.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

/// The largest piece read at once.
const CHUNK: u64 = 64 * 1024;

/// `remaining` bytes of `file`, from its current position, in pieces of at most [`CHUNK`]. Its
/// size hint is exact, so HTTP/1 answers with a `Content-Length`.
#[derive(Debug)]
pub(super) struct FileBody {
    file: tokio::fs::File,
    remaining: u64,
    buf: Box<[u8]>,
}

impl FileBody {
    pub(super) fn new(file: tokio::fs::File, len: u64) -> Self {
        Self {
            file,
            remaining: len,
            buf: vec![0; len.min(CHUNK) as usize].into_boxed_slice(),
        }
    }
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = this.remaining.min(this.buf.len() as u64) as usize;
        let mut read = ReadBuf::new(&mut this.buf[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(err)) => Poll::Ready(Some(Err(err))),
            Poll::Ready(Ok(())) if read.filled().is_empty() => {
                // The file shrank since the manifest was made: the promised length cannot be
                // kept, so the response must fail rather than end short and look complete.
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "an asset file shrank while it was being served",
                ))))
            }
            Poll::Ready(Ok(())) => {
                let bytes = Bytes::copy_from_slice(read.filled());
                this.remaining -= bytes.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}
