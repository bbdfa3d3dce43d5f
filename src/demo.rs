//! The embedded demo registry (cargo feature `demo`, on by default): with no `--registry`, the kiosk serves the
//! registry in-process on loopback with invented accounts, reference data and a demo kiosk, so `cargo run` works on a
//! fresh machine with nothing else running. An office's kiosk is built without it (`--no-default-features`): then
//! `Demo` has no values and `start` says a registry must be given.

use crate::paths::Paths;
use crate::registry::RegistryClient;
use pdo_core::api::Operator;

#[cfg(feature = "demo")]
pub use with_demo::{Demo, start};
#[cfg(not(feature = "demo"))]
pub use without_demo::{Demo, start};

/// What the rest of the kiosk asks of the demo.
pub trait DemoParts {
    fn client(&self) -> RegistryClient;
    /// The invented account shown on the sign-in screen.
    fn hint(&self) -> (String, String);
    fn operator(&self) -> Operator;
    /// Where the registry writes its letters (the demo's e-mail step reads the code from them).
    fn mail_dir(&self) -> std::path::PathBuf;
}

#[cfg(feature = "demo")]
mod with_demo {
    use super::*;
    use crate::registry::KioskCredentials;
    use pdo_registry::embedded::EmbeddedRegistry;

    /// The running demo registry. It stops when this is dropped, so it is held until the window closes.
    pub struct Demo {
        client: RegistryClient,
        mail_dir: std::path::PathBuf,
        _registry: EmbeddedRegistry,
    }

    pub fn start(paths: &Paths) -> anyhow::Result<Demo> {
        let registry = EmbeddedRegistry::start(&paths.demo_registry(), true)?;
        let url = crate::config::registry_url(&registry.base_url())?;
        let kiosk = KioskCredentials {
            id: pdo_registry::demo::KIOSK_ID.into(),
            secret: pdo_registry::demo::KIOSK_SECRET.into(),
        };
        Ok(Demo {
            client: RegistryClient::new(url).with_kiosk(Some(kiosk)),
            mail_dir: paths.demo_registry().with_file_name("mail"),
            _registry: registry,
        })
    }

    impl DemoParts for Demo {
        fn client(&self) -> RegistryClient {
            self.client.clone()
        }

        fn hint(&self) -> (String, String) {
            let account = &pdo_registry::demo::ACCOUNTS[0];
            (account.login.to_string(), account.password.to_string())
        }

        fn operator(&self) -> Operator {
            let (name, address) = pdo_registry::demo::OPERATOR;
            Operator { name: name.into(), address: address.into() }
        }

        fn mail_dir(&self) -> std::path::PathBuf {
            self.mail_dir.clone()
        }
    }
}

#[cfg(not(feature = "demo"))]
mod without_demo {
    use super::*;

    /// No demo in this build: a value of it cannot exist.
    pub enum Demo {}

    pub fn start(_: &Paths) -> anyhow::Result<Demo> {
        anyhow::bail!("no registry given: set --registry URL or registry_url in kiosk.toml (this build has no demo)")
    }

    impl DemoParts for Demo {
        fn client(&self) -> RegistryClient {
            match *self {}
        }

        fn hint(&self) -> (String, String) {
            match *self {}
        }

        fn operator(&self) -> Operator {
            match *self {}
        }

        fn mail_dir(&self) -> std::path::PathBuf {
            match *self {}
        }
    }
}
