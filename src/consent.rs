//! What the shopper has agreed to, and the effective consent after Global Privacy Control.

use serde::{Deserialize, Serialize};

/// Consent as the host knows it. Everything defaults to "no".
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// May we keep state (ledger, visitor id) on the device?
    #[serde(default)]
    pub storage: bool,
    /// May we choose and explain offers from the shopper's profile and history?
    #[serde(default)]
    pub personalization: bool,
    /// May we send measurement events?
    #[serde(default)]
    pub measurement: bool,
    /// Global Privacy Control signal (`navigator.globalPrivacyControl` / `Sec-GPC: 1`).
    #[serde(default)]
    pub gpc: bool,
}

impl Consent {
    /// Everything granted, no GPC: for tools and tests.
    pub const ALL: Consent = Consent {
        storage: true,
        personalization: true,
        measurement: true,
        gpc: false,
    };

    /// Consent after GPC: a GPC opt-out switches off storage, personalization and measurement,
    /// whatever else the host passed.
    pub fn effective(self) -> Consent {
        if self.gpc {
            Consent {
                storage: false,
                personalization: false,
                measurement: false,
                gpc: true,
            }
        } else {
            self
        }
    }
}

crate::object_only!(Consent,);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpc_overrides_grants() {
        let c = Consent {
            gpc: true,
            ..Consent::ALL
        };
        let e = c.effective();
        assert!(!e.storage && !e.personalization && !e.measurement);
    }

    #[test]
    fn without_gpc_grants_stand() {
        assert_eq!(Consent::ALL.effective(), Consent::ALL);
        assert_eq!(Consent::default().effective(), Consent::default());
    }
}
