//! A fastText inference engine for supervised (language-ID) models, written to give the same
//! labels and probabilities as the C++ fastText 0.9: dense `.bin` and quantized `.ftz` files,
//! softmax, hierarchical softmax and one-vs-all outputs.
//!
//! ```no_run
//! let model = polytune_langid::fasttext::Model::open("lid.176.ftz".as_ref()).unwrap();
//! let best = model.predict("Der schnelle braune Fuchs", 1);
//! assert_eq!(best[0].label, "__label__de");
//! ```

mod dictionary;
mod heap;
mod matrix;

use std::path::Path;

use crate::read::Reader;
use dictionary::{Dictionary, Settings};
use matrix::Matrix;

use crate::error::{Error, Result};

const MAGIC: i32 = 793_712_314;
const KIND: &str = "fastText";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loss {
    HierarchicalSoftmax,
    NegativeSampling,
    Softmax,
    OneVsAll,
}

/// One predicted label with fastText's probability (`exp` of its log score).
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub label: String,
    pub probability: f32,
}

#[derive(Clone, Copy)]
struct Node {
    left: i32,
    right: i32,
}

pub struct Model {
    dict: Dictionary,
    input: Matrix,
    output: Matrix,
    loss: Loss,
    /// The Huffman tree over labels (hierarchical softmax only).
    tree: Vec<Node>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("fasttext::Model")
            .field("labels", &self.dict.labels.len())
            .field("dim", &self.dim())
            .field("loss", &self.loss)
            .finish()
    }
}

/// fastText's `std_log`: the log of a probability kept away from zero.
fn std_log(x: f32) -> f32 {
    (x + 1e-5).ln()
}

impl Model {
    pub fn open(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, KIND);
        let not = |detail: String| Error::NotAModel { kind: KIND, detail };
        let magic = r.i32("the magic number").map_err(|_| not("the file is too short".into()))?;
        if magic != MAGIC {
            return Err(not(format!("magic number {magic:#x}, expected {MAGIC:#x}")));
        }
        let version = r.i32("the version")?;
        if version != 11 && version != 12 {
            return Err(Error::Unsupported {
                kind: KIND,
                detail: format!("file version {version} (11 and 12 are read)"),
            });
        }
        let dim = r.count_i32("dim", 1 << 16)?;
        if dim == 0 {
            return Err(r.corrupt("dim is 0"));
        }
        let _ws = r.i32("ws")?;
        let _epoch = r.i32("epoch")?;
        let _min_count = r.i32("minCount")?;
        let _neg = r.i32("neg")?;
        let word_ngrams = r.count_i32("wordNgrams", 16)?;
        let loss = match r.i32("loss")? {
            1 => Loss::HierarchicalSoftmax,
            2 => Loss::NegativeSampling,
            3 => Loss::Softmax,
            4 => Loss::OneVsAll,
            l => return Err(r.corrupt(format!("loss {l} is not one of fastText's (1–4)"))),
        };
        let model = r.i32("model")?;
        if model != 3 {
            return Err(Error::Unsupported {
                kind: KIND,
                detail: format!("model kind {model}: only supervised (3) models identify languages"),
            });
        }
        let bucket = r.count_i32("bucket", i32::MAX as usize)? as u64;
        let minn = r.count_i32("minn", 1 << 10)?;
        // Every word's character n-grams are precomputed: a bound keeps a small file small in memory.
        let mut maxn = r.count_i32("maxn", 16)?;
        let _lr_update = r.i32("lrUpdateRate")?;
        let _t = r.f64("t")?;
        if version == 11 {
            maxn = 0;
        }
        let settings = Settings { minn, maxn, bucket, word_ngrams, label_prefix: b"__label__" };
        let dict = Dictionary::load(&mut r, settings)?;
        if dict.labels.is_empty() {
            return Err(r.corrupt("the model has no labels"));
        }
        let quant_input = r.bool("the quantized-input flag")?;
        let input = if quant_input { Matrix::load_quantized(&mut r)? } else { Matrix::load_dense(&mut r)? };
        let qout = r.bool("the quantized-output flag")?;
        let output = if quant_input && qout { Matrix::load_quantized(&mut r)? } else { Matrix::load_dense(&mut r)? };
        if input.cols() != dim || output.cols() != dim {
            return Err(r.corrupt(format!(
                "matrices have {} and {} columns, the model says {dim}",
                input.cols(),
                output.cols()
            )));
        }
        if dict.max_row() > input.rows() {
            return Err(r.corrupt(format!(
                "the dictionary needs {} input rows, the matrix has {}",
                dict.max_row(),
                input.rows()
            )));
        }
        let nlabels = dict.labels.len();
        let want_out = if loss == Loss::HierarchicalSoftmax { nlabels - 1 } else { nlabels };
        if output.rows() < want_out {
            return Err(r.corrupt(format!("{} output rows for {nlabels} labels", output.rows())));
        }
        if !r.at_end() {
            return Err(r.corrupt(format!("{} bytes after the model", bytes.len() - r.offset())));
        }
        let tree = if loss == Loss::HierarchicalSoftmax {
            huffman(&dict.label_counts).ok_or_else(|| r.corrupt("the label counts cannot make a tree"))?
        } else {
            Vec::new()
        };
        Ok(Model { dict, input, output, loss, tree })
    }

    pub fn labels(&self) -> &[String] {
        &self.dict.labels
    }

    pub fn dim(&self) -> usize {
        self.input.cols()
    }

    /// The `k` most probable labels for one line (a newline ends the line, as in fastText).
    /// No word at all gives no prediction.
    pub fn predict(&self, text: &str, k: usize) -> Vec<Prediction> {
        self.predict_indices(text, k)
            .into_iter()
            .map(|(i, probability)| Prediction { label: self.dict.labels[i].clone(), probability })
            .collect()
    }

    /// [`predict`](Self::predict) as `(label index, probability)`, without copying label names.
    pub fn predict_indices(&self, text: &str, k: usize) -> Vec<(usize, f32)> {
        let mut rows = Vec::new();
        self.dict.line(text, &mut rows);
        if rows.is_empty() || k == 0 {
            return Vec::new();
        }
        let mut hidden = vec![0.0f32; self.dim()];
        for &row in &rows {
            self.input.add_row(&mut hidden, row);
        }
        let scale = 1.0 / rows.len() as f32;
        hidden.iter_mut().for_each(|h| *h *= scale);
        let mut heap: Vec<heap::Scored> = Vec::with_capacity(k + 1);
        match self.loss {
            Loss::HierarchicalSoftmax => {
                let nlabels = self.dict.labels.len();
                self.dfs(k, 2 * nlabels - 2, 0.0, &mut heap, &hidden);
            }
            Loss::Softmax => {
                let mut out: Vec<f32> = (0..self.dict.labels.len()).map(|i| self.output.dot_row(&hidden, i)).collect();
                let max = out.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut z = 0.0f32;
                for o in out.iter_mut() {
                    *o = (*o - max).exp();
                    z += *o;
                }
                out.iter_mut().for_each(|o| *o /= z);
                k_best(k, &out, &mut heap);
            }
            Loss::NegativeSampling | Loss::OneVsAll => {
                let out: Vec<f32> =
                    (0..self.dict.labels.len()).map(|i| table_sigmoid(self.output.dot_row(&hidden, i))).collect();
                k_best(k, &out, &mut heap);
            }
        }
        heap::sort(&mut heap);
        let best = heap;
        best.into_iter().map(|(score, i)| (i, score.exp())).collect()
    }

    fn dfs(&self, k: usize, node: usize, score: f32, heap: &mut Vec<(f32, usize)>, hidden: &[f32]) {
        // fastText's default threshold 0 prunes paths below log(1e-5).
        if score < std_log(0.0) || (heap.len() == k && score < heap[0].0) {
            return;
        }
        let n = &self.tree[node];
        if n.left == -1 && n.right == -1 {
            heap::push(heap, (score, node));
            if heap.len() > k {
                heap::pop(heap);
            }
            return;
        }
        let nlabels = self.dict.labels.len();
        let f = self.output.dot_row(hidden, node - nlabels);
        let f = 1.0 / (1.0 + (-f).exp());
        self.dfs(k, n.left as usize, score + std_log(1.0 - f), heap, hidden);
        self.dfs(k, n.right as usize, score + std_log(f), heap, hidden);
    }
}

/// fastText's `findKBest` over output probabilities.
fn k_best(k: usize, out: &[f32], heap: &mut Vec<heap::Scored>) {
    for (i, &o) in out.iter().enumerate() {
        let s = std_log(o);
        if heap.len() == k && s < heap[0].0 {
            continue;
        }
        heap::push(heap, (s, i));
        if heap.len() > k {
            heap::pop(heap);
        }
    }
}

/// fastText's tabulated sigmoid (512 steps over [-8, 8]), which one-vs-all outputs use; the
/// hierarchical softmax uses the exact one.
fn table_sigmoid(x: f32) -> f32 {
    const MAX: f32 = 8.0;
    const SIZE: usize = 512;
    if x < -MAX {
        return 0.0;
    }
    if x > MAX {
        return 1.0;
    }
    let i = ((x + MAX) * SIZE as f32 / MAX / 2.0) as i64;
    let t = (i * 2 * MAX as i64) as f32 / SIZE as f32 - MAX;
    (1.0 / (1.0 + (-t).exp() as f64)) as f32
}

/// fastText's Huffman tree over label counts (labels sorted by count, most frequent first):
/// leaves are `0..n`, inner nodes `n..2n-1`, the root last.
const MAX_TREE_DEPTH: usize = 1024;

/// `None` when the counts cannot make a tree (a damaged file: negative or absurd counts).
fn huffman(counts: &[i64]) -> Option<Vec<Node>> {
    let n = counts.len();
    let mut count: Vec<i64> = vec![1_000_000_000_000_000; 2 * n - 1]; // 1e15, as fastText
    let mut tree: Vec<Node> = (0..2 * n - 1).map(|_| Node { left: -1, right: -1 }).collect();
    count[..n].copy_from_slice(counts);
    let mut leaf = n as i64 - 1;
    let mut node = n;
    for i in n..2 * n - 1 {
        let mut mini = [0usize; 2];
        for m in mini.iter_mut() {
            // Only inner nodes already built (below `i`) can be taken.
            if leaf >= 0 && (node >= i || count[leaf as usize] < count[node]) {
                *m = leaf as usize;
                leaf -= 1;
            } else if node < i {
                *m = node;
                node += 1;
            } else {
                return None;
            }
        }
        tree[i].left = mini[0] as i32;
        tree[i].right = mini[1] as i32;
        count[i] = count[mini[0]].saturating_add(count[mini[1]]);
    }
    // Prediction walks the tree recursively: refuse trees deeper than any real one.
    let mut stack = vec![(2 * n - 2, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_TREE_DEPTH {
            return None;
        }
        let Node { left, right } = tree[node];
        for child in [left, right] {
            if child >= 0 {
                stack.push((child as usize, depth + 1));
            }
        }
    }
    Some(tree)
}
