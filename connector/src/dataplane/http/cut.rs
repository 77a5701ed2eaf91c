//! A body that is cut when its grant ends: the next poll after the cancellation fails, even while the inner body is
//! waiting for data, so the peer sees an aborted transfer rather than a complete one.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// The error a body gives when it is cut.
pub(super) type BoxError = Box<dyn std::error::Error + Send + Sync>;

pin_project_lite::pin_project! {
    /// `body`, ending in an error as soon as `cancel` fires.
    pub(super) struct Cut<B> {
        #[pin]
        body: B,
        #[pin]
        cancelled: WaitForCancellationFutureOwned,
    }
}

impl<B> Cut<B> {
    /// `body`, cut when `cancel` is cancelled.
    pub(super) fn new(body: B, cancel: CancellationToken) -> Cut<B> {
        Cut { body, cancelled: cancel.cancelled_owned() }
    }
}

impl<B> HttpBody for Cut<B>
where
    B: HttpBody<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        if this.cancelled.poll(cx).is_ready() {
            let cut = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "the transfer's data access ended");
            return Poll::Ready(Some(Err(cut.into())));
        }
        this.body.poll_frame(cx).map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
