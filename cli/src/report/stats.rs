//! The scorecard's statistics: running moments, the normal quantile, and intervals for a
//! difference and a relative lift of two means (Welch / delta method, normal approximation).

/// Count, sum and sum of squares of a measure (additive, so weeks and segments merge).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    pub n: u64,
    pub sum: f64,
    pub sq: f64,
}

impl Moments {
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        self.sq += x * x;
    }

    pub fn merge(&mut self, o: &Moments) {
        self.n += o.n;
        self.sum += o.sum;
        self.sq += o.sq;
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// Sample variance (n − 1), 0 for fewer than two values.
    pub fn var(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as f64;
        ((self.sq - self.sum * self.sum / n) / (n - 1.0)).max(0.0)
    }
}

/// A point estimate with a two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The standard normal quantile (Acklam's rational approximation, relative error below
/// 1.2e-9, then one Halley step): `z(0.975)` ≈ 1.959964.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let low = 0.02425;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < low {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - low {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The z of a two-sided interval at `confidence` percent.
pub fn z_for(confidence: u32) -> f64 {
    normal_quantile(1.0 - (1.0 - f64::from(confidence) / 100.0) / 2.0)
}

/// Treatment minus control, with Welch's standard error.
pub fn diff(t: &Moments, c: &Moments, z: f64) -> Option<Estimate> {
    let (mt, mc) = (t.mean()?, c.mean()?);
    let se = (t.var() / t.n as f64 + c.var() / c.n as f64).sqrt();
    let d = mt - mc;
    Some(Estimate {
        value: d,
        low: d - z * se,
        high: d + z * se,
    })
}

/// 100 × (treatment / control − 1), with the delta method's standard error; `None` when the
/// control mean is zero.
pub fn lift_pct(t: &Moments, c: &Moments, z: f64) -> Option<Estimate> {
    let (mt, mc) = (t.mean()?, c.mean()?);
    if mc == 0.0 {
        return None;
    }
    let r = mt / mc - 1.0;
    let se = (t.var() / (t.n as f64 * mc * mc)
        + mt * mt * c.var() / (c.n as f64 * mc * mc * mc * mc))
        .sqrt();
    Some(Estimate {
        value: 100.0 * r,
        low: 100.0 * (r - z * se),
        high: 100.0 * (r + z * se),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_the_tables() {
        // Standard normal table values.
        for (p, z) in [
            (0.975, 1.959_963_985),
            (0.95, 1.644_853_627),
            (0.995, 2.575_829_304),
            (0.5, 0.0),
            (0.01, -2.326_347_874),
            (0.999, 3.090_232_306),
        ] {
            assert!(
                (normal_quantile(p) - z).abs() < 1e-6,
                "{p}: {}",
                normal_quantile(p)
            );
        }
        assert!((z_for(95) - 1.959_963_985).abs() < 1e-6);
    }

    #[test]
    fn moments_and_welch_match_a_hand_computation() {
        let mut t = Moments::default();
        let mut c = Moments::default();
        for x in [2.0, 4.0, 6.0] {
            t.add(x);
        }
        for x in [1.0, 3.0] {
            c.add(x);
        }
        // Means 4 and 2; variances 4 and 2; se = sqrt(4/3 + 2/2) = sqrt(7/3).
        assert_eq!(t.mean(), Some(4.0));
        assert!((t.var() - 4.0).abs() < 1e-12);
        let d = diff(&t, &c, 2.0).unwrap();
        let se = (7.0f64 / 3.0).sqrt();
        assert!((d.value - 2.0).abs() < 1e-12);
        assert!((d.low - (2.0 - 2.0 * se)).abs() < 1e-12);
        // Lift 100 %; se_r = sqrt(4/(3·4) + 16·2/(2·16)) = sqrt(1/3 + 1).
        let l = lift_pct(&t, &c, 2.0).unwrap();
        assert!((l.value - 100.0).abs() < 1e-9);
        let se_r = (1.0f64 / 3.0 + 1.0).sqrt();
        assert!((l.high - 100.0 * (1.0 + 2.0 * se_r)).abs() < 1e-9);
    }
}
