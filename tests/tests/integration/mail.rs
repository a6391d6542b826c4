//! Mail leaves through the outbox: kept there without SMTP_URL, sent by SMTP with it.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::common::{Backend, TestApp};

/// A minimal SMTP server that accepts every message and hands each DATA section back.
async fn fake_smtp() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            tx.send(data.take().unwrap()).unwrap();
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn with_smtp_configured_mail_is_sent_and_marked_sent() {
    let (port, mut received) = fake_smtp().await;
    let app = TestApp::builder(Backend::Sqlite)
        .set("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))
        .build()
        .await;
    tokio::spawn(app.state.mailer.clone().run(app.db.clone()));
    assert_eq!(
        app.register("sam@example.org", "Sam Jones").await.status,
        201
    );
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("mail within 10 s")
        .unwrap();
    assert!(
        message.contains("Subject: Confirm your e-mail address for Partners in Practice"),
        "{message}"
    );
    assert!(message.contains("sam@example.org"));
    let mut sent = false;
    for _ in 0..50 {
        if app
            .mails_to("sam@example.org")
            .await
            .iter()
            .all(|m| m.sent_at.is_some())
        {
            sent = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(sent, "the outbox row is marked sent");
}

#[tokio::test]
async fn without_smtp_mail_stays_in_the_outbox_for_admins() {
    let app = TestApp::new(Backend::Sqlite).await;
    let (_, admin) = app
        .member_with_role("a@nhs.net", "Admin Person", "admin")
        .await;
    app.register("sam@example.org", "Sam Jones").await;
    let outbox = app
        .get("/api/admin/outbox?to=Sam@Example.org", Some(&admin))
        .await;
    assert_eq!(outbox.status, 200);
    let items = outbox.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(
        items[0]["body_text"]
            .as_str()
            .unwrap()
            .contains("/verify-email?token=")
    );
    assert!(items[0]["sent_at"].is_null());
}
