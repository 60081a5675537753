//! The live-reload WebSocket: the handshake, then one small task per open
//! page that forwards [`ReloadChannel`] messages until the page goes away.
//!
//! A page that goes away is noticed at once when it closes its socket (the
//! read side ends), and within [`SILENT_LIMIT`] when it vanishes without a
//! word (it stops answering pings). Each socket holds a few KiB of buffers
//! and no thread; how many may be open is capped (the oldest makes room).

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONNECTION, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use crate::serve::capacity::Capacity;
use crate::serve::reload::{ReloadChannel, Subscription};

/// How often an open page is pinged.
const PING_EVERY: Duration = Duration::from_secs(20);
/// A page silent (not even answering pings) for this long is gone.
const SILENT_LIMIT: Duration = Duration::from_secs(50);
/// How long one message may take to leave before the page counts as gone.
const SEND_LIMIT: Duration = Duration::from_secs(10);
/// Pages only ever send pongs and close frames: small buffers and limits.
const BUFFER_BYTES: usize = 4 * 1024;
const MAX_INCOMING_BYTES: usize = 16 * 1024;

/// Answers a WebSocket handshake (the caller has checked Host and Origin)
/// and starts the page's task once the connection is upgraded; an error
/// says why the request is not a WebSocket handshake.
pub fn upgrade(
    mut request: Request<Incoming>,
    channel: &ReloadChannel,
    sockets: &Capacity,
) -> Result<Response<Full<Bytes>>, &'static str> {
    let headers = request.headers();
    let asks_for_websocket =
        headers.get(UPGRADE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let Some(key) = headers.get(SEC_WEBSOCKET_KEY).filter(|_| asks_for_websocket) else {
        return Err("expected a WebSocket handshake");
    };
    let accept = derive_accept_key(key.as_bytes());
    // Subscribe now, so nothing sent during the upgrade is missed.
    let subscription = channel.subscribe();
    let upgrading = hyper::upgrade::on(&mut request);
    sockets.spawn(async move {
        if let Ok(upgraded) = upgrading.await {
            forward(TokioIo::new(upgraded), subscription).await;
        }
    });
    let mut response = Response::new(Full::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(value) = HeaderValue::from_str(&accept) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, value);
    }
    Ok(response)
}

/// Sends the page its messages until it closes, falls silent or stops reading.
async fn forward<S>(io: S, subscription: Subscription)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let config = WebSocketConfig::default()
        .read_buffer_size(BUFFER_BYTES)
        .write_buffer_size(0)
        .max_message_size(Some(MAX_INCOMING_BYTES))
        .max_frame_size(Some(MAX_INCOMING_BYTES));
    let mut socket = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
    let Subscription { current_error, mut updates } = subscription;
    if let Some(error) = current_error
        && !send(&mut socket, Message::text(&*error)).await
    {
        return;
    }
    let mut ping = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    let mut last_heard = Instant::now();
    loop {
        let keep_going = tokio::select! {
            update = updates.recv() => match update {
                Ok(text) => send(&mut socket, Message::text(&*text)).await,
                // Fell behind: only the newest message matters, and it comes next.
                Err(RecvError::Lagged(_)) => true,
                Err(RecvError::Closed) => false,
            },
            incoming = socket.next() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => false,
                Some(Ok(_)) => {
                    last_heard = Instant::now();
                    true
                }
            },
            _ = ping.tick() => {
                last_heard.elapsed() < SILENT_LIMIT && send(&mut socket, Message::Ping(Bytes::new())).await
            }
        };
        if !keep_going {
            return;
        }
    }
}

/// Sends one message; false if the page is gone or too slow to take it.
async fn send<S>(socket: &mut WebSocketStream<S>, message: Message) -> bool
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    matches!(timeout(SEND_LIMIT, socket.send(message)).await, Ok(Ok(())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::reload::Message as Update;
    use tokio::io::duplex;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    async fn page(channel: &ReloadChannel) -> (WebSocketStream<tokio::io::DuplexStream>, tokio::task::JoinHandle<()>) {
        let (server_end, client_end) = duplex(64 * 1024);
        let task = tokio::spawn(forward(server_end, channel.subscribe()));
        (WebSocketStream::from_raw_socket(client_end, Role::Client, None).await, task)
    }

    #[tokio::test]
    async fn forwards_messages_and_ends_when_the_page_closes() {
        let channel = ReloadChannel::default();
        let (mut client, task) = page(&channel).await;
        assert_eq!(channel.listeners(), 1);
        channel.send(&Update::reload(vec!["index.html".into()]));
        let got = client.next().await.unwrap().unwrap();
        assert!(got.to_text().unwrap().contains("index.html"), "{got}");
        client.close(Some(CloseFrame { code: CloseCode::Away, reason: "".into() })).await.unwrap();
        timeout(Duration::from_secs(5), task).await.expect("task ends").unwrap();
        assert_eq!(channel.listeners(), 0, "a closed page stops listening");
    }

    #[tokio::test]
    async fn ends_when_the_page_vanishes() {
        let channel = ReloadChannel::default();
        let (client, task) = page(&channel).await;
        drop(client);
        timeout(Duration::from_secs(5), task).await.expect("task ends").unwrap();
        assert_eq!(channel.listeners(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn ends_when_the_page_stops_answering_pings() {
        let channel = ReloadChannel::default();
        // The client end is kept but never read: pings go unanswered.
        let (server_end, _silent_client) = duplex(64 * 1024);
        let task = tokio::spawn(forward(server_end, channel.subscribe()));
        timeout(SILENT_LIMIT + PING_EVERY * 2, task).await.expect("task ends").unwrap();
    }
}
