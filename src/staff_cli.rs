//! `pdo-kiosk staff …`: staff tasks from a terminal, with no display.

use crate::cli::StaffCommand;
use crate::config::Config;
use crate::paths::Paths;
use crate::staff::{self, StaffAction};
use crate::store::Store;
use anyhow::Context;
use chrono::Utc;

pub fn run(action: &StaffCommand, paths: &Paths, config: &Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let store = Store::open(&paths.store()).with_context(|| format!("opening {}", paths.store().display()))?;
    let kiosk_id = config.kiosk_id.clone().unwrap_or_else(|| "unconfigured".into());
    runtime.block_on(async {
        match action {
            StaffCommand::SetPin => {
                let pin = staff::pin::read_new_pin_from_stdin()?;
                staff::pin::write_pin_hash(&paths.config_file, &pin.hash())?;
                store.audit(&kiosk_id, StaffAction::PinChanged, Utc::now()).await?;
                eprintln!("The staff PIN is set in {}.", paths.config_file.display());
            }
            StaffCommand::Counters { csv, days } => {
                let today = pdo_core::domain::region_today(Utc::now());
                let from = today - chrono::Days::new(u64::from(days.saturating_sub(1)));
                let figures = store.office_figures(from, today).await?;
                if *csv {
                    print!("{}", figures.to_csv());
                    store.audit(&kiosk_id, StaffAction::ExportCounters, Utc::now()).await?;
                } else {
                    print_table(&figures);
                }
            }
            StaffCommand::PrivacyCheck => {
                let report = staff::wipe::check(&store, paths).await?;
                println!("{}", serde_json::json!({ "clean": report.clean(), "report": report }));
                if !report.clean() {
                    std::process::exit(1);
                }
            }
        }
        Ok(())
    })
}

fn print_table(figures: &staff::OfficeFigures) {
    println!(
        "{:<12} {:>9} {:>13} {:>13} {:>7} {:>9}",
        "day", "sessions", "applications", "certificates", "prints", "abandons"
    );
    for day in figures.days.iter().chain([&figures.total]) {
        println!(
            "{:<12} {:>9} {:>13} {:>13} {:>7} {:>9}",
            day.day,
            day.sessions_started,
            day.applications_submitted,
            day.certificates_issued,
            day.prints,
            day.abandoned.values().sum::<u64>()
        );
    }
    for (step, secs) in &figures.total.median_secs {
        let abandoned = figures.total.abandoned.get(step).copied().unwrap_or(0);
        println!("step {step}: median {secs:.1} s over {} visits, {abandoned} abandoned", figures.total.visits[step]);
    }
}
