//! The project's own CPU products for the GGUF block types candle multiplies slowly: Q4_1 (candle
//! 0.11 has only a scalar dot product for it, ~1 GMAC/s on one core here) and Q8_0 (~5 GMAC/s).
//! Same arithmetic as llama.cpp: each activation row is rounded to 8-bit blocks of 32 with one
//! scale (Q8_0-style; for Q4_1 also the block's sum, as Q8_1), integer dot products per block,
//! AVX2 where the CPU has it (detected at run time) and plain Rust otherwise; rows of the weight
//! are split across rayon's threads.

use rayon::prelude::*;

const QK: usize = 32;

/// One activation row rounded to 8-bit blocks: values, block scales, block sums · scale.
type Act<'a> = (&'a [i8], &'a [f32], &'a [f32]);

/// A weight matrix `[n, k]` in Q4_1 or Q8_0 blocks, laid out for the kernels.
#[derive(Debug)]
pub struct BlockMatrix {
    pub n: usize,
    pub k: usize,
    kind: Kind,
    /// Per block: the scale `d`.
    d: Vec<f32>,
    /// Q4_1: per block the minimum `m`.
    m: Vec<f32>,
    /// Q4_1: 16 bytes of nibbles per block (low nibbles are values 0..16, high 16..32);
    /// Q8_0: 32 signed bytes per block.
    qs: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Q4_1,
    Q8_0,
}

/// Whether the AVX2 kernels can run here (checked at run time; the build targets plain x86-64).
fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

fn f16(b: &[u8]) -> f32 {
    half::f16::from_le_bytes([b[0], b[1]]).to_f32()
}

impl BlockMatrix {
    /// From GGUF block bytes (`[n, k]`, rows of `k / 32` blocks).
    pub fn from_gguf(kind: Kind, n: usize, k: usize, data: &[u8]) -> Option<Self> {
        if !k.is_multiple_of(QK) {
            return None;
        }
        let blocks = n * k / QK;
        let (size, qbytes) = match kind {
            Kind::Q4_1 => (20, 16),
            Kind::Q8_0 => (34, 32),
        };
        if data.len() != blocks * size {
            return None;
        }
        let mut d = Vec::with_capacity(blocks);
        let mut m = Vec::with_capacity(if kind == Kind::Q4_1 { blocks } else { 0 });
        let mut qs = Vec::with_capacity(blocks * qbytes);
        for b in data.chunks_exact(size) {
            d.push(f16(&b[0..2]));
            match kind {
                Kind::Q4_1 => {
                    m.push(f16(&b[2..4]));
                    qs.extend_from_slice(&b[4..20]);
                }
                Kind::Q8_0 => qs.extend_from_slice(&b[2..34]),
            }
        }
        Some(BlockMatrix { n, k, kind, d, m, qs })
    }

    /// Row `i` dequantized, appended to `out` (embedding lookups).
    pub fn row_into(&self, i: usize, out: &mut Vec<f32>) {
        let kb = self.k / QK;
        for b in i * kb..(i + 1) * kb {
            match self.kind {
                Kind::Q4_1 => {
                    let q = &self.qs[b * 16..b * 16 + 16];
                    out.extend(q.iter().map(|&x| self.d[b] * (x & 0x0F) as f32 + self.m[b]));
                    out.extend(q.iter().map(|&x| self.d[b] * (x >> 4) as f32 + self.m[b]));
                }
                Kind::Q8_0 => out.extend(self.qs[b * 32..b * 32 + 32].iter().map(|&x| self.d[b] * x as i8 as f32)),
            }
        }
    }

    pub fn bytes(&self) -> usize {
        self.d.len() * 4 + self.m.len() * 4 + self.qs.len()
    }

    /// `x` `[rows, k]` (row-major) → `[rows, n]`.
    pub fn matmul(&self, x: &[f32], rows: usize) -> Vec<f32> {
        let kb = self.k / QK;
        // The activations rounded to 8-bit blocks: scale, sum of the rounded values · scale, values.
        let mut ad = vec![0f32; rows * kb];
        let mut asum = vec![0f32; rows * kb];
        let mut aq = vec![0i8; rows * self.k];
        for (i, block) in x.chunks_exact(QK).enumerate() {
            let amax = block.iter().fold(0f32, |a, v| a.max(v.abs()));
            let d = amax / 127.0;
            let inv = if d > 0.0 { 1.0 / d } else { 0.0 };
            let mut s = 0i32;
            for (j, v) in block.iter().enumerate() {
                let q = (v * inv).round() as i32;
                aq[i * QK + j] = q as i8;
                s += q;
            }
            ad[i] = d;
            asum[i] = d * s as f32;
        }
        let mut out = vec![0f32; rows * self.n];
        // Rows of the weight in chunks, a few per thread; each chunk serves every activation row
        // (its weights stay in cache).
        let threads = rayon::current_num_threads().max(1);
        let chunk = self.n.div_ceil(threads * 4).max(16);
        let avx2 = avx2();
        let mut by_row: Vec<f32> = vec![0f32; self.n * rows];
        by_row.par_chunks_mut(chunk * rows).enumerate().for_each(|(c, dst)| {
            let r0 = c * chunk;
            let nrows = dst.len() / rows;
            let act =
                |a: usize| (&aq[a * self.k..(a + 1) * self.k], &ad[a * kb..(a + 1) * kb], &asum[a * kb..(a + 1) * kb]);
            for r in 0..nrows {
                let w = r0 + r;
                let mut a = 0;
                // Four activation rows per pass over the weight row (the same arithmetic per pair,
                // so a sequence's numbers do not depend on what else is in the batch).
                #[cfg(target_arch = "x86_64")]
                if avx2 {
                    while a + 4 <= rows {
                        // SAFETY: `avx2` says the CPU has AVX2 and FMA.
                        let got = unsafe { self.dot_rows_avx2(w, &std::array::from_fn::<_, 4, _>(|j| act(a + j))) };
                        dst[r * rows + a..r * rows + a + 4].copy_from_slice(&got);
                        a += 4;
                    }
                    while a < rows {
                        // SAFETY: as above.
                        dst[r * rows + a] = unsafe { self.dot_rows_avx2(w, &[act(a)]) }[0];
                        a += 1;
                    }
                }
                while a < rows {
                    let (q, d, s) = act(a);
                    dst[r * rows + a] = self.dot_scalar(w, q, d, s);
                    a += 1;
                }
            }
        });
        for w in 0..self.n {
            for a in 0..rows {
                out[a * self.n + w] = by_row[w * rows + a];
            }
        }
        out
    }

    fn dot_scalar(&self, w: usize, aq: &[i8], ad: &[f32], asum: &[f32]) -> f32 {
        let kb = self.k / QK;
        let mut acc = 0f32;
        for b in 0..kb {
            let blk = w * kb + b;
            let a = &aq[b * QK..(b + 1) * QK];
            match self.kind {
                Kind::Q4_1 => {
                    let q = &self.qs[blk * 16..blk * 16 + 16];
                    let mut s = 0i32;
                    for j in 0..16 {
                        s += (q[j] & 0x0F) as i32 * a[j] as i32 + (q[j] >> 4) as i32 * a[j + 16] as i32;
                    }
                    acc += self.d[blk] * ad[b] * s as f32 + self.m[blk] * asum[b];
                }
                Kind::Q8_0 => {
                    let q = &self.qs[blk * 32..blk * 32 + 32];
                    let s: i32 = q.iter().zip(a).map(|(&x, &y)| x as i8 as i32 * y as i32).sum();
                    acc += self.d[blk] * ad[b] * s as f32;
                }
            }
        }
        acc
    }

    /// One weight row against `R` activation rows at once (the weight block is loaded and
    /// unpacked once); each pair's arithmetic is the same whatever `R`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn dot_rows_avx2<const R: usize>(&self, w: usize, acts: &[Act; R]) -> [f32; R] {
        use std::arch::x86_64::*;
        let kb = self.k / QK;
        let d = &self.d[w * kb..(w + 1) * kb];
        let q4 = self.kind == Kind::Q4_1;
        let qs = if q4 { &self.qs[w * kb * 16..(w + 1) * kb * 16] } else { &self.qs[w * kb * 32..(w + 1) * kb * 32] };
        let aq: [&[i8]; R] = std::array::from_fn(|j| &acts[j].0[..kb * QK]);
        let ad: [&[f32]; R] = std::array::from_fn(|j| &acts[j].1[..kb]);
        let mut acc0 = [_mm256_setzero_ps(); R];
        let mut acc1 = [_mm256_setzero_ps(); R];
        let low = _mm_set1_epi8(0x0F);
        let ones = _mm256_set1_epi16(1);
        macro_rules! block {
            ($b:expr, $acc:ident) => {{
                let b = $b;
                let (wq, ws) = if q4 {
                    // SAFETY: b < kb: bytes b·16..b·16+16 of `qs` are in bounds.
                    let q = unsafe { _mm_loadu_si128(qs.as_ptr().add(b * 16) as *const __m128i) };
                    let lo = _mm_and_si128(q, low);
                    let hi = _mm_and_si128(_mm_srli_epi16(q, 4), low);
                    (_mm256_set_m128i(hi, lo), _mm256_setzero_si256())
                } else {
                    // SAFETY: b < kb: bytes b·32..b·32+32 of `qs` are in bounds.
                    let q = unsafe { _mm256_loadu_si256(qs.as_ptr().add(b * 32) as *const __m256i) };
                    (_mm256_sign_epi8(q, q), q)
                };
                for j in 0..R {
                    // SAFETY: b < kb: bytes b·32..b·32+32 of each activation row are in bounds.
                    let a = unsafe { _mm256_loadu_si256(aq[j].as_ptr().add(b * QK) as *const __m256i) };
                    let a = if q4 { a } else { _mm256_sign_epi8(a, ws) };
                    let prod = _mm256_madd_epi16(_mm256_maddubs_epi16(wq, a), ones);
                    $acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d[b] * ad[j][b]), _mm256_cvtepi32_ps(prod), $acc[j]);
                }
            }};
        }
        let mut b = 0;
        while b + 1 < kb {
            block!(b, acc0);
            block!(b + 1, acc1);
            b += 2;
        }
        if b < kb {
            block!(b, acc0);
        }
        let mut out = [0f32; R];
        for j in 0..R {
            let mins: f32 = if q4 {
                let m = &self.m[w * kb..(w + 1) * kb];
                m.iter().zip(&acts[j].2[..kb]).map(|(x, y)| x * y).sum()
            } else {
                0.0
            };
            out[j] = hsum(_mm256_add_ps(acc0[j], acc1[j])) + mins;
        }
        out
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn hsum(x: std::arch::x86_64::__m256) -> f32 {
    use std::arch::x86_64::*;
    let lo = _mm256_castps256_ps128(x);
    let hi = _mm256_extractf128_ps(x, 1);
    let s = _mm_add_ps(lo, hi);
    let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    _mm_cvtss_f32(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::quantized::{GgmlDType, QTensor};
    use candle_core::{Device, Tensor};

    #[test]
    fn products_equal_the_dequantized_product_within_activation_rounding() {
        let mut rng = crate::sampler::SplitMix64(4);
        let (n, k, rows) = (70, 576, 6);
        let w: Vec<f32> = (0..n * k).map(|_| rng.next_normal() as f32).collect();
        let x: Vec<f32> = (0..rows * k).map(|_| rng.next_normal() as f32).collect();
        let wt = Tensor::from_vec(w, (n, k), &Device::Cpu).unwrap();
        for (dt, kind) in [(GgmlDType::Q4_1, Kind::Q4_1), (GgmlDType::Q8_0, Kind::Q8_0)] {
            let q = QTensor::quantize(&wt, dt).unwrap();
            let deq: Vec<f32> = q.dequantize(&Device::Cpu).unwrap().flatten_all().unwrap().to_vec1().unwrap();
            let m = BlockMatrix::from_gguf(kind, n, k, &q.data().unwrap()).unwrap();
            let got = m.matmul(&x, rows);
            // A row's numbers do not depend on the other rows of the product (batching).
            for a in 0..rows {
                let alone = m.matmul(&x[a * k..(a + 1) * k], 1);
                assert_eq!(alone, got[a * n..(a + 1) * n], "{kind:?}: row {a} alone differs");
            }
            let mut scalar = vec![0f32; rows * n];
            let kb = k / QK;
            for a in 0..rows {
                // The scalar path on the same rounded activations.
                let mut aq = vec![0i8; k];
                let mut ad = vec![0f32; kb];
                let mut asum = vec![0f32; kb];
                for (i, block) in x[a * k..(a + 1) * k].chunks_exact(QK).enumerate() {
                    let d = block.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0;
                    let mut s = 0;
                    for (j, v) in block.iter().enumerate() {
                        let q = (v / d).round() as i32;
                        aq[i * QK + j] = q as i8;
                        s += q;
                    }
                    ad[i] = d;
                    asum[i] = d * s as f32;
                }
                for r in 0..n {
                    scalar[a * n + r] = m.dot_scalar(r, &aq, &ad, &asum);
                }
            }
            for a in 0..rows {
                for r in 0..n {
                    let exact: f32 = (0..k).map(|j| deq[r * k + j] * x[a * k + j]).sum();
                    let g = got[a * n + r];
                    assert!((g - scalar[a * n + r]).abs() < 1e-3, "{kind:?}: simd {g} vs scalar {}", scalar[a * n + r]);
                    assert!((g - exact).abs() < 0.02 * (1.0 + exact.abs()) + 0.3, "{kind:?}: {g} vs {exact}");
                }
            }
        }
    }
}
