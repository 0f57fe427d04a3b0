//! The stdio framing in front of tower-lsp-server. Its reader stops for
//! good at the first frame it cannot decode, so frames are read here: a
//! body that decodes as a JSON-RPC message is passed on, any other gets a
//! JSON-RPC error (id `null`) and the next frame is read. One task owns
//! stdout and writes whole frames, the server's and these errors, so the
//! two never interleave.

use serde::Deserialize;
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The longest header line read; the rest of a longer one is skipped.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// The largest body taken from the client; a larger one is skipped.
pub const MAX_BODY: usize = 64 * 1024 * 1024;
/// Frames waiting for stdout.
const QUEUE: usize = 64;

/// JSON-RPC's "Parse error": the body is not JSON (or not UTF-8).
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC's "Invalid Request": JSON, but not a request or response.
pub const INVALID_REQUEST: i64 = -32600;

/// What one read from a framed stream gave.
#[derive(Debug, PartialEq)]
pub enum Frame {
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length`.
    BadHeader,
    /// A body longer than the limit, skipped.
    TooLarge(usize),
    /// The stream ended (also inside a frame).
    End,
}

/// Reads the next frame; bodies over `max_body` bytes are skipped unread.
pub async fn read_frame<R: AsyncBufRead + Unpin>(reader: &mut R, max_body: usize) -> std::io::Result<Frame> {
    let mut length: Option<Option<usize>> = None;
    let mut headers = 0usize;
    loop {
        let mut line = Vec::new();
        let n = (&mut *reader)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            return Ok(Frame::End);
        }
        if !line.ends_with(b"\n") {
            // An overlong line: skip to its end; the header block is bad.
            if n == MAX_HEADER_LINE && !skip_line(reader).await? {
                return Ok(Frame::End);
            }
            headers += 1;
            length = Some(None);
            continue;
        }
        let text = line.trim_ascii();
        if text.is_empty() {
            if headers == 0 {
                continue;
            }
            break;
        }
        headers += 1;
        if let Some((name, value)) = text.split_at_checked(15) {
            if name.eq_ignore_ascii_case(b"content-length:") {
                let value = std::str::from_utf8(value).ok().map(str::trim);
                length = Some(value.and_then(|v| v.parse().ok()));
            }
        }
    }
    match length {
        Some(Some(n)) if n <= max_body => {
            let mut body = vec![0; n];
            match reader.read_exact(&mut body).await {
                Ok(_) => Ok(Frame::Body(body)),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(Frame::End),
                Err(e) => Err(e),
            }
        }
        Some(Some(n)) => {
            let skipped = tokio::io::copy(&mut (&mut *reader).take(n as u64), &mut tokio::io::sink()).await?;
            Ok(if skipped == n as u64 {
                Frame::TooLarge(n)
            } else {
                Frame::End
            })
        }
        _ => Ok(Frame::BadHeader),
    }
}

/// Skips to the next newline; false at the end of the stream.
async fn skip_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<bool> {
    loop {
        let buf = reader.fill_buf().await?;
        if buf.is_empty() {
            return Ok(false);
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(true);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// What tower-lsp-server decodes a body into (its own type is private).
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Message {
    Response(Response),
    Request(Request),
}

/// Why a client body cannot be passed on, as a JSON-RPC error code.
pub fn rejection(body: &[u8]) -> Option<i64> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Some(PARSE_ERROR);
    };
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return Some(PARSE_ERROR);
    }
    match serde_json::from_str::<Message>(text) {
        Ok(_) => None,
        Err(_) => Some(INVALID_REQUEST),
    }
}

/// A whole frame holding `body`.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The error response, as a frame.
pub fn error_frame(code: i64) -> Vec<u8> {
    let message = if code == PARSE_ERROR {
        "Parse error"
    } else {
        "Invalid request"
    };
    let body = serde_json::json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": null});
    frame(body.to_string().as_bytes())
}

/// Reads the client's frames, passes decodable ones to the server and
/// answers the rest. Returns (dropping `server`) when the client's stream ends.
pub async fn read_client(
    client: impl AsyncRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    out: mpsc::Sender<Vec<u8>>,
) {
    let mut client = BufReader::new(client);
    loop {
        let code = match read_frame(&mut client, MAX_BODY).await {
            Ok(Frame::Body(body)) => match rejection(&body) {
                None => {
                    if server.write_all(&frame(&body)).await.is_err() || server.flush().await.is_err() {
                        return;
                    }
                    continue;
                }
                Some(code) => code,
            },
            Ok(Frame::BadHeader) => PARSE_ERROR,
            Ok(Frame::TooLarge(n)) => {
                tracing::warn!("skipped a message of {n} bytes (over {MAX_BODY})");
                INVALID_REQUEST
            }
            Ok(Frame::End) | Err(_) => return,
        };
        tracing::warn!("answered an undecodable message with error {code}");
        if out.send(error_frame(code)).await.is_err() {
            return;
        }
    }
}

/// Passes the server's frames to stdout's queue, whole; when the server's
/// output ends, queues the empty frame that stops the writer.
pub async fn relay_server(server: impl AsyncRead + Unpin, out: mpsc::Sender<Vec<u8>>) {
    let mut server = BufReader::new(server);
    while let Ok(Frame::Body(body)) = read_frame(&mut server, usize::MAX).await {
        if out.send(frame(&body)).await.is_err() {
            return;
        }
    }
    let _ = out.send(Vec::new()).await;
}

/// The queue of whole frames for stdout.
pub fn queue() -> (mpsc::Sender<Vec<u8>>, mpsc::Receiver<Vec<u8>>) {
    mpsc::channel(QUEUE)
}

/// Writes each queued frame to `stdout` until the empty frame (or until
/// every sender is gone).
pub async fn write_frames(mut stdout: impl AsyncWrite + Unpin, mut frames: mpsc::Receiver<Vec<u8>>) {
    while let Some(frame) = frames.recv().await {
        if frame.is_empty() {
            return;
        }
        if stdout.write_all(&frame).await.is_err() || stdout.flush().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Frame> {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let mut reader = BufReader::new(input);
            let mut out = Vec::new();
            loop {
                let f = read_frame(&mut reader, 16).await.unwrap();
                let end = f == Frame::End;
                out.push(f);
                if end {
                    return out;
                }
            }
        })
    }

    #[test]
    fn frames_are_read_and_bad_headers_are_reported() {
        let input = b"Content-Length: 2\r\n\r\n{}\r\nX: 1\r\n\r\ncontent-length:  3 \r\nContent-Type: x\r\n\r\n[1]Content-Length: 20\r\n\r\n01234567890123456789Content-Length: 5\r\n\r\nab";
        assert_eq!(
            read_all(input),
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::BadHeader,
                Frame::Body(b"[1]".to_vec()),
                Frame::TooLarge(20),
                Frame::End,
            ]
        );
    }

    #[test]
    fn an_overlong_header_line_is_skipped() {
        let mut input = vec![b'x'; MAX_HEADER_LINE * 3];
        input.extend_from_slice(b"\r\n\r\nContent-Length: 1\r\n\r\n1");
        assert_eq!(
            read_all(&input),
            vec![Frame::BadHeader, Frame::Body(b"1".to_vec()), Frame::End]
        );
        assert_eq!(read_all(&vec![b'x'; MAX_HEADER_LINE * 2]), vec![Frame::End]);
    }

    #[test]
    fn bodies_are_classified_like_json_rpc() {
        assert_eq!(rejection(br#"{"jsonrpc":"2.0","id":1,"method":"m"}"#), None);
        assert_eq!(rejection(br#"{"jsonrpc":"2.0","method":"m","params":{}}"#), None);
        assert_eq!(rejection(br#"{"jsonrpc":"2.0","id":1,"result":null}"#), None);
        assert_eq!(rejection(b"[]"), Some(INVALID_REQUEST));
        assert_eq!(rejection(b"{}"), Some(INVALID_REQUEST));
        assert_eq!(
            rejection(br#"{"jsonrpc":"1.0","id":1,"method":"m"}"#),
            Some(INVALID_REQUEST)
        );
        assert_eq!(rejection(b"{\"jsonrpc\":"), Some(PARSE_ERROR));
        assert_eq!(rejection(b""), Some(PARSE_ERROR));
        assert_eq!(rejection(b"\"\xff\""), Some(PARSE_ERROR));
        assert_eq!(rejection(&[b'['; 10_000]), Some(PARSE_ERROR));
    }
}
