//! What `serve` accepts for its public URL and its mail relay: nothing that would carry links, codes or letters in
//! clear over a network, unless it stays on this machine (loopback).

use crate::mail::{MailSink, SmtpTls};
use std::net::IpAddr;

/// `localhost` (and names under it) or a loopback address, bracketed IPv6 included. Other names are not resolved: a
/// name that happens to resolve to loopback today is still treated as a network host.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let lower = host.to_ascii_lowercase();
    lower == "localhost" || lower.ends_with(".localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `HOST[:PORT]` of a URL's authority, without the port.
fn url_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// The public URL goes into every letter and onto phones: https, or http only for a loopback host (a local test).
pub fn check_public_url(url: &str) -> anyhow::Result<()> {
    if let Some(rest) = url.strip_prefix("https://") {
        anyhow::ensure!(!url_host(rest).is_empty(), "--public-url {url:?} has no host");
        return Ok(());
    }
    let Some(rest) = url.strip_prefix("http://") else {
        anyhow::bail!("--public-url must start with https:// (or http:// for a loopback host in a local test)");
    };
    let host = url_host(rest);
    anyhow::ensure!(
        is_loopback(host),
        "--public-url {url:?} is plain http:// to {host:?}, which is not loopback: links with confirmation and claim \
         tokens would travel in clear. Use https:// (behind a TLS-terminating proxy), or http:// only for 127.0.0.1, \
         [::1] or localhost"
    );
    Ok(())
}

/// The relay of `--smtp HOST:PORT` with `--smtp-tls`: STARTTLS by default to a relay that is not on loopback,
/// plaintext by default on loopback; plaintext to a network relay is refused.
pub fn smtp_sink(relay: &str, tls: Option<SmtpTls>) -> anyhow::Result<MailSink> {
    let (host, port) = relay.rsplit_once(':').ok_or_else(|| anyhow::anyhow!("--smtp takes HOST:PORT"))?;
    let port: u16 = port.parse().map_err(|_| anyhow::anyhow!("--smtp {relay:?}: the port is not a number"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    anyhow::ensure!(!host.is_empty(), "--smtp takes HOST:PORT");
    let local = is_loopback(&host);
    let tls = tls.unwrap_or(if local { SmtpTls::None } else { SmtpTls::StartTls });
    anyhow::ensure!(
        local || tls != SmtpTls::None,
        "--smtp-tls none to {host:?}, which is not loopback, is refused: letters carry confirmation links, codes and \
         claim links. Use --smtp-tls starttls (the default) or tls, or a relay on loopback"
    );
    Ok(match tls {
        SmtpTls::None => MailSink::Smtp { host, port },
        tls => MailSink::SmtpTls { host, port, tls },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_recognised_without_resolving_names() {
        for host in ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "registry.localhost"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["10.0.0.5", "smtp.example.org", "localhost.example.org", "0.0.0.0", "[2001:db8::1]", ""] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn public_urls_are_https_or_loopback_http() {
        for ok in [
            "https://registry.example.org",
            "https://registry.example.org:8443/pdo",
            "http://127.0.0.1:8080",
            "http://[::1]:8080/",
            "http://localhost/pdo",
        ] {
            assert!(check_public_url(ok).is_ok(), "{ok}");
        }
        for refused in ["http://registry.example.org", "http://10.0.0.5:8080", "http://user@host/", "ftp://x", "x"] {
            assert!(check_public_url(refused).is_err(), "{refused}");
        }
        let message = check_public_url("http://registry.example.org").unwrap_err().to_string();
        assert!(message.contains("not loopback"), "{message}");
    }

    #[test]
    fn relays_default_to_starttls_off_loopback_and_refuse_plaintext_there() {
        let tls = |relay, tls| match smtp_sink(relay, tls) {
            Ok(MailSink::Smtp { .. }) => Some(SmtpTls::None),
            Ok(MailSink::SmtpTls { tls, .. }) => Some(tls),
            _ => None,
        };
        assert_eq!(tls("smtp.example.org:587", None), Some(SmtpTls::StartTls));
        assert_eq!(tls("smtp.example.org:465", Some(SmtpTls::Tls)), Some(SmtpTls::Tls));
        assert_eq!(tls("127.0.0.1:25", None), Some(SmtpTls::None));
        assert_eq!(tls("[::1]:25", Some(SmtpTls::StartTls)), Some(SmtpTls::StartTls));
        assert_eq!(tls("smtp.example.org:25", Some(SmtpTls::None)), None);
        assert!(smtp_sink("smtp.example.org", None).is_err(), "no port");
        let message = smtp_sink("10.0.0.5:25", Some(SmtpTls::None)).unwrap_err().to_string();
        assert!(message.contains("is refused"), "{message}");
    }
}
