//! Outgoing mail: what each letter says, and the worker that sends the outbox over SMTP (or, without a relay,
//! writes one .eml file per letter into a folder), retrying with back-off so a relay that is down loses nothing.

use crate::Registry;
use crate::storage::{ConfirmationSecrets, OutgoingMail};
use chrono::{DateTime, Duration, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use pdo_core::api::Application;
use rand::Rng;
use std::path::PathBuf;
use tokio::sync::watch;

pub use pdo_core::letters::{CERTIFICATE_SUBJECT, CLAIM_SUBJECT, CONFIRMATION_SUBJECT, REJECTED_SUBJECT};

#[derive(Debug, Clone)]
pub enum MailSink {
    /// Plaintext SMTP: only for a relay on loopback (`transport::smtp_sink` refuses it for any other).
    Smtp {
        host: String,
        port: u16,
    },
    /// SMTP with TLS, the certificate checked against the system's CA store and the host name.
    SmtpTls {
        host: String,
        port: u16,
        tls: SmtpTls,
    },
    Folder(PathBuf),
}

/// How letters reach a relay: `serve --smtp-tls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// STARTTLS, required: a relay that does not offer it gets nothing.
    StartTls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
    None,
}

/// A fresh link token (256 bits) and a 6-digit code.
pub fn new_secrets() -> ConfirmationSecrets {
    let mut rng = rand::rngs::OsRng;
    let token: String = (0..32).map(|_| format!("{:02x}", rng.r#gen::<u8>())).collect();
    ConfirmationSecrets { token, code: format!("{:06}", rng.gen_range(0..1_000_000)) }
}

pub fn confirmation_mail(app: &Application, public_url: &str, secrets: &ConfirmationSecrets) -> OutgoingMail {
    let link = format!("{}/confirm/{}", public_url.trim_end_matches('/'), secrets.token);
    let body = format!(
        "Здравствуйте!\n\n\
         Вы подали заявку на сертификат дополнительного образования для ребёнка: {child}.\n\
         Номер заявления: {number}.\n\n\
         Чтобы подтвердить, что это ваш адрес электронной почты, перейдите по ссылке:\n{link}\n\n\
         Или введите на терминале код подтверждения: {code}\n\n\
         Ссылка и код действуют 24 часа. Если вы не подавали заявку, просто не отвечайте на это письмо.\n",
        child = app.child.full_name(),
        number = app.number,
        code = secrets.code,
    );
    OutgoingMail { to: app.email.clone(), subject: CONFIRMATION_SUBJECT.into(), body }
}

pub fn certificate_mail(app: &Application) -> OutgoingMail {
    let record = app.registry_record.as_deref().unwrap_or("");
    let places: String = app.institutions.iter().map(|i| format!("- {}, {}\n", i.name, i.address)).collect();
    let body = format!(
        "Здравствуйте!\n\n\
         Сертификат дополнительного образования для ребёнка {child} выдан.\n\
         Номер записи в реестре сертификатов: {record}.\n\
         Номер заявления: {number}.\n\n\
         Чтобы начать пользоваться сертификатом, придите в любую из организаций ниже с подписанными заявлением и \
         согласием на обработку персональных данных, своим паспортом и свидетельством о рождении ребёнка \
         (паспортом ребёнка с 14 лет):\n{places}\n",
        child = app.child.full_name(),
        number = app.number,
    );
    OutgoingMail { to: app.email.clone(), subject: CERTIFICATE_SUBJECT.into(), body }
}

/// The letter for an application taken offline: follow the link and sign in to finish, before it expires.
pub fn claim_mail(app: &Application, public_url: &str, token: &str, expires_at: DateTime<Utc>) -> OutgoingMail {
    let link = format!("{}/claim/{token}", public_url.trim_end_matches('/'));
    let until = expires_at.with_timezone(&pdo_core::domain::REGION_UTC_OFFSET).format("%d.%m.%Y %H:%M");
    let body = format!(
        "Здравствуйте!\n\n\
         Терминал самообслуживания принял ваше заявление на сертификат дополнительного образования для ребёнка: \
         {child}. Номер заявления: {number}.\n\n\
         Связи с реестром в тот момент не было, поэтому осталось одно действие: откройте ссылку и войдите в личный \
         кабинет со своим логином и паролем. Заявление появится в кабинете, этот адрес будет подтверждён, и \
         сертификат выдадут сразу — номер записи в реестре придёт следующим письмом.\n{link}\n\n\
         Ссылка действует до {until} по кемеровскому времени. Войти нужно в кабинет заявителя — того, чьи фамилия, имя и \
         отчество указаны в заявлении. Не пересылайте это письмо.\n\n\
         Если вы не подавали заявление, просто не отвечайте на это письмо.\n",
        child = app.child.full_name(),
        number = app.number,
    );
    OutgoingMail { to: app.email.clone(), subject: CLAIM_SUBJECT.into(), body }
}

/// The letter saying why an offline application was not accepted, and what to do.
pub fn rejected_mail(to: &str, reason: &str, fields: &pdo_core::validation::FieldErrors) -> OutgoingMail {
    let why = match reason {
        "validation" => {
            let lines: String = fields
                .iter()
                .map(|(path, e)| format!("- {path}: {}\n", e.message(pdo_core::domain::Lang::Ru)))
                .collect();
            format!("в заявлении нашлись ошибки:\n{lines}")
        }
        "child_already_registered" => "ребёнок с этим СНИЛС уже записан в реестре, в личном кабинете с другим \
                                       логином. Если это ваш ребёнок, войдите в тот кабинет (логин и пароль выдают в \
                                       школе или детском саду) и продолжите заявление в нём. Если СНИЛС в заявлении \
                                       указан с ошибкой или ребёнок записан не в тот кабинет, обратитесь к сотруднику \
                                       в месте, где стоит терминал: он поможет всё поправить."
            .into(),
        "scan_invalid" => "снимок документа не удалось прочитать.".into(),
        _ => "заявление не удалось проверить.".into(),
    };
    let body = format!(
        "Здравствуйте!\n\n\
         Заявление на сертификат дополнительного образования, поданное на терминале самообслуживания, не принято: \
         {why}\n\
         Подайте заявление ещё раз на терминале или в личном кабинете. Если не получается, обратитесь к сотруднику \
         в месте, где стоит терминал.\n"
    );
    OutgoingMail { to: to.to_string(), subject: REJECTED_SUBJECT.into(), body }
}

fn build(mail: &OutgoingMail, from: &Mailbox) -> anyhow::Result<lettre::Message> {
    Ok(lettre::Message::builder()
        .from(from.clone())
        .to(mail.to.parse()?)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())?)
}

async fn deliver(sink: &MailSink, message: lettre::Message, id: i64) -> anyhow::Result<()> {
    match sink {
        MailSink::Smtp { host, port } => {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(*port)
                .timeout(Some(std::time::Duration::from_secs(10)))
                .build();
            transport.send(message).await?;
        }
        MailSink::SmtpTls { host, port, tls } => {
            let builder = match tls {
                SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
                SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            };
            let transport = builder.port(*port).timeout(Some(std::time::Duration::from_secs(10))).build();
            transport.send(message).await?;
        }
        MailSink::Folder(dir) => {
            tokio::fs::create_dir_all(dir).await?;
            let path = dir.join(format!("{id:08}.eml"));
            let tmp = path.with_extension("eml.tmp");
            tokio::fs::write(&tmp, message.formatted()).await?;
            tokio::fs::rename(&tmp, &path).await?;
        }
    }
    Ok(())
}

/// Seconds to wait after the `attempts`-th failure: 5 s doubling, at most an hour.
pub fn backoff(attempts: u32) -> Duration {
    Duration::seconds((5i64 << attempts.min(10)).min(3600))
}

/// Sends what is due once, letter by letter until `stop` says the service is stopping; returns how many went out.
async fn drain_once(registry: &Registry, sink: &MailSink, from: &Mailbox, stop: &watch::Receiver<bool>) -> usize {
    let now = Utc::now();
    let due = match registry.store(move |s| s.due_mail(now, 50)).await {
        Ok(due) => due,
        Err(err) => {
            tracing::error!(error = %err, "mail outbox unreadable");
            return 0;
        }
    };
    let mut sent = 0;
    for queued in due {
        if *stop.borrow() {
            // The rest stay leased: freed when the registry starts again (SQLite), or when their leases lapse.
            break;
        }
        let id = queued.id;
        let to = queued.mail.to.clone();
        let outcome = match build(&queued.mail, from) {
            Ok(message) => deliver(sink, message, id).await,
            Err(err) => Err(err),
        };
        let now = Utc::now();
        let recorded = match outcome {
            Ok(()) => {
                sent += 1;
                tracing::info!(mail = id, "mail sent");
                registry.store(move |s| s.mail_sent(id, &to, now)).await
            }
            Err(err) => {
                let retry_at = now + backoff(queued.attempts);
                let error = err.to_string();
                tracing::warn!(mail = id, attempts = queued.attempts + 1, error = %error, "mail not sent; will retry");
                registry.store(move |s| s.mail_failed(id, &error, retry_at)).await
            }
        };
        if let Err(err) = recorded {
            tracing::error!(mail = id, error = %err, "mail state not recorded");
        }
    }
    sent
}

/// `true` once cleared letters are out of every database file; a failed attempt is retried on the next round.
async fn scrub(registry: &Registry) -> bool {
    match registry.store(|s| s.scrub_sent_mail()).await {
        Ok(done) => {
            if !done {
                tracing::debug!("WAL checkpoint held back by a reader or an open batch; retrying");
            }
            done
        }
        Err(err) => {
            tracing::error!(error = %err, "WAL checkpoint failed; retrying");
            false
        }
    }
}

/// How often at most sent letters are scrubbed from the database files.
const SCRUB_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Drains the outbox when woken (a letter was queued) and every few seconds, until `stop` turns true: then it
/// returns once the letter in hand is sent and recorded, so a stop never leaves a letter sent but not marked sent
/// (it would go out again after the restart).
pub async fn run_worker(registry: Registry, sink: MailSink, from: Mailbox, mut stop: watch::Receiver<bool>) {
    // The first round also scrubs what a previous run (or the migration clearing old letters) left in the WAL.
    let mut unscrubbed = true;
    match registry.store(|s| s.release_mail_leases()).await {
        Ok(0) => {}
        Ok(freed) => tracing::info!(freed, "letters taken before a stop are sent again"),
        Err(err) => tracing::warn!(error = %err, "letters taken before a stop wait for their lease to end"),
    }
    let mut last_scrub = tokio::time::Instant::now() - SCRUB_EVERY;
    while !*stop.borrow() {
        unscrubbed |= drain_once(&registry, &sink, &from, &stop).await > 0;
        // A checkpoint copies the whole WAL while writers wait: under load, once per SCRUB_EVERY, not per letter.
        if unscrubbed && last_scrub.elapsed() >= SCRUB_EVERY {
            unscrubbed = !scrub(&registry).await;
            last_scrub = tokio::time::Instant::now();
        }
        tokio::select! {
            _ = registry.mail_wakeup.notified() => {}
            _ = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
            _ = stop.changed() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_tokens_long() {
        for _ in 0..200 {
            let s = new_secrets();
            assert_eq!(s.code.len(), 6);
            assert!(s.code.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(s.token.len(), 64);
        }
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(0).num_seconds(), 5);
        assert_eq!(backoff(1).num_seconds(), 10);
        assert_eq!(backoff(3).num_seconds(), 40);
        assert_eq!(backoff(30).num_seconds(), 3600);
    }
}
