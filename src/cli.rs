//! Command line: flags override the config file; with no subcommand the kiosk window opens.

use crate::app::{App, Env};
use crate::config::{self, Config};
use crate::paths::Paths;
use crate::registry::RegistryClient;
use crate::store::Store;
use crate::theme;
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "pdo-kiosk", version, about = "Self-service kiosk for the certificate of supplementary education")]
pub struct Cli {
    /// Configuration file (default: kiosk.toml in the platform config dir).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Where the local store and logs live (default: the platform data dir).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Registry base URL; https:// (http:// only to loopback). Without it the embedded demo registry runs.
    #[arg(long)]
    pub registry: Option<String>,
    #[arg(long)]
    pub kiosk_id: Option<String>,
    #[arg(long, env = "PDO_KIOSK_SECRET", hide_env_values = true)]
    pub kiosk_secret: Option<String>,
    #[arg(long)]
    pub municipality: Option<String>,
    /// Language each session starts in: ru or en.
    #[arg(long)]
    pub language: Option<String>,
    #[arg(long)]
    pub screen_width_mm: Option<f32>,
    #[arg(long)]
    pub screen_height_mm: Option<f32>,
    #[arg(long)]
    pub idle_timeout_secs: Option<u64>,
    #[arg(long)]
    pub idle_grace_secs: Option<u64>,
    /// Write the wall-clock time of the first frame to this file (used by scripts/measure-startup.sh).
    #[arg(long, hide = true)]
    pub startup_report: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the effective configuration (file plus flags) as TOML, with the secret hidden.
    Config,
    /// Render the application, the consent and the activation sheet of an application (its registry API JSON) and
    /// write them to a folder and/or print them on an IPP printer. Needs no display.
    PrintForms {
        /// The application as the registry API returns it (`GET /api/v1/applications/{id}`).
        #[arg(long, value_name = "APPLICATION.json")]
        input: PathBuf,
        /// Write application.pdf, consent.pdf and activation.pdf into this folder (created if missing).
        #[arg(long, value_name = "DIR", required_unless_present = "printer")]
        out: Option<PathBuf>,
        /// Print on this printer: ipp://host[:port]/path or ipps://…
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
    },
}

impl Cli {
    /// The file's settings with every given flag laid over them.
    pub fn apply(&self, mut config: Config) -> Config {
        let set = |target: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                target.clone_from(value);
            }
        };
        set(&mut config.registry_url, &self.registry);
        set(&mut config.kiosk_id, &self.kiosk_id);
        set(&mut config.kiosk_secret, &self.kiosk_secret);
        set(&mut config.municipality, &self.municipality);
        if let Some(language) = &self.language {
            config.language.clone_from(language);
        }
        config.screen_width_mm = self.screen_width_mm.unwrap_or(config.screen_width_mm);
        config.screen_height_mm = self.screen_height_mm.unwrap_or(config.screen_height_mm);
        config.idle_timeout_secs = self.idle_timeout_secs.unwrap_or(config.idle_timeout_secs);
        config.idle_grace_secs = self.idle_grace_secs.unwrap_or(config.idle_grace_secs);
        config
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("pdo-kiosk: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Printing needs neither the configuration nor the data dir, and never a window.
    if let Some(Command::PrintForms { input, out, printer }) = &cli.command {
        return crate::print::command::print_forms(input, out.as_deref(), printer.as_deref());
    }
    let paths = Paths::resolve(cli.config.clone(), cli.data_dir.clone())?;
    let config = cli.apply(Config::load(&paths.config_file)?);
    config.validate()?;
    if let Some(Command::Config) = cli.command {
        let shown = Config { kiosk_secret: config.kiosk_secret.as_ref().map(|_| "********".into()), ..config };
        println!("# {}", paths.config_file.display());
        print!("{}", toml::to_string(&shown)?);
        return Ok(());
    }
    let _log_guard = crate::logging::init(&paths.logs())?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
    let store = Store::open(&paths.store()).with_context(|| format!("opening {}", paths.store().display()))?;

    // The embedded registry must outlive the window, so it is held here until `run` returns.
    let (client, demo_hint, _embedded) = match &config.registry_url {
        Some(url) => (RegistryClient::new(config::registry_url(url)?), None, None),
        None => {
            let embedded = pdo_registry::embedded::EmbeddedRegistry::start(&paths.demo_registry(), true)?;
            let url = config::registry_url(&embedded.base_url())?;
            let demo = &pdo_registry::demo::ACCOUNTS[0];
            (RegistryClient::new(url), Some((demo.login.to_string(), demo.password.to_string())), Some(embedded))
        }
    };
    let env = Env { config, client, store, demo_hint, startup_report: cli.startup_report.clone() };
    iced::application(move || App::boot(env.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(|_: &App| iced::Theme::Light)
        .font(theme::FONT_REGULAR)
        .font(theme::FONT_BOLD)
        .default_font(theme::FONT)
        .window(window_settings())
        .run()?;
    Ok(())
}

/// Full screen without decorations. Under a Wayland kiosk compositor `fullscreen` does it; on a bare X server with
/// no window manager the app also resizes itself to the monitor at boot (see `App::boot`).
fn window_settings() -> iced::window::Settings {
    iced::window::Settings {
        fullscreen: true,
        decorations: false,
        resizable: false,
        position: iced::window::Position::Specific(iced::Point::ORIGIN),
        platform_specific: iced::window::settings::PlatformSpecific {
            application_id: "pdo-kiosk".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_and_leave_the_rest() {
        let file = Config { kiosk_id: Some("from-file".into()), idle_timeout_secs: 300, ..Config::default() };
        let cli = Cli::try_parse_from([
            "pdo-kiosk",
            "--kiosk-id",
            "from-flag",
            "--registry",
            "https://registry.example.org",
            "--screen-width-mm",
            "600",
        ])
        .unwrap();
        let config = cli.apply(file);
        assert_eq!(config.kiosk_id.as_deref(), Some("from-flag"));
        assert_eq!(config.registry_url.as_deref(), Some("https://registry.example.org"));
        assert_eq!(config.screen_width_mm, 600.0);
        assert_eq!(config.idle_timeout_secs, 300, "a key with no flag keeps the file's value");
    }

    #[test]
    fn insecure_registry_from_flags_is_refused() {
        let cli = Cli::try_parse_from(["pdo-kiosk", "--registry", "http://registry.example.org"]).unwrap();
        assert!(cli.apply(Config::default()).validate().is_err());
    }
}
