//! libstdc++'s `push_heap`, `pop_heap` and `sort_heap` with fastText's comparator (greater
//! score first), step for step. fastText keeps its k best labels in such a heap; when scores tie
//! (one-vs-all outputs go through a 512-step sigmoid table, so they often do), which label
//! survives and in which order they come out is decided by these exact moves.

pub(crate) type Scored = (f32, usize);

fn comp(a: &Scored, b: &Scored) -> bool {
    a.0 > b.0
}

fn push_up(h: &mut [Scored], mut hole: usize, top: usize, value: Scored) {
    let mut parent = hole.wrapping_sub(1) / 2;
    while hole > top && comp(&h[parent], &value) {
        h[hole] = h[parent];
        hole = parent;
        parent = hole.wrapping_sub(1) / 2;
    }
    h[hole] = value;
}

fn adjust(h: &mut [Scored], mut hole: usize, len: usize, value: Scored) {
    let top = hole;
    let mut second = hole;
    while second < len.saturating_sub(1) / 2 {
        second = 2 * (second + 1);
        if comp(&h[second], &h[second - 1]) {
            second -= 1;
        }
        h[hole] = h[second];
        hole = second;
    }
    if len & 1 == 0 && len >= 2 && second == (len - 2) / 2 {
        second = 2 * (second + 1);
        h[hole] = h[second - 1];
        hole = second - 1;
    }
    push_up(h, hole, top, value);
}

/// `std::push_heap` after a `push_back`.
pub(crate) fn push(h: &mut Vec<Scored>, v: Scored) {
    h.push(v);
    let n = h.len();
    push_up(h, n - 1, 0, v);
}

/// `std::pop_heap` then `pop_back`: removes the lowest score.
pub(crate) fn pop(h: &mut Vec<Scored>) {
    let n = h.len();
    if n > 1 {
        let value = h[n - 1];
        h[n - 1] = h[0];
        adjust(&mut h[..n - 1], 0, n - 1, value);
    }
    h.pop();
}

/// `std::sort_heap`: best score first.
pub(crate) fn sort(h: &mut [Scored]) {
    let mut last = h.len();
    while last > 1 {
        last -= 1;
        let value = h[last];
        h[last] = h[0];
        adjust(&mut h[..last], 0, last, value);
    }
}
