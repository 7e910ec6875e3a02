//! Points in time as Stripe's v1 API sends them: seconds since the Unix epoch.

use serde::{Deserialize, Serialize};

use super::json::{Decode, DecodeError, Reader};

/// A point in time as Stripe sends it: seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The timestamp `secs` seconds after the Unix epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Timestamp(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }
}

impl Decode for Timestamp {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Timestamp(r.i64()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_is_transparent() {
        let t: Timestamp = serde_json::from_str("1712700000").unwrap();
        assert_eq!(t, Timestamp::from_secs(1_712_700_000));
        assert_eq!(t.as_secs(), 1_712_700_000);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1712700000");
    }
}
