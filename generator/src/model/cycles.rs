//! The cycles pass of the model, once the types and events are made: box the fields that
//! close a cycle of structs held by value, which Rust could not size otherwise.

use std::collections::BTreeMap;

use super::ir::{Item, Module, Ty};

/// Boxes every field that closes a cycle of structs held by value: a field of `S` naming `T`
/// where `T` leads back to `S`, i.e. `S` and `T` are in one strongly connected component of
/// the "has a field of type" graph. One pass (Tarjan) instead of a search per field, which was
/// quadratic on the whole API.
pub(super) fn box_recursive(modules: &mut [Module]) {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for m in modules.iter() {
        for it in &m.items {
            if let Item::Struct(s) = it {
                let next = index.len();
                index.entry(s.name.rust()).or_insert(next);
            }
        }
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); index.len()];
    for m in modules.iter() {
        for it in &m.items {
            if let Item::Struct(s) = it {
                let from = index[s.name.rust()];
                for f in &s.fields {
                    if let Ty::Named(t) = &f.ty {
                        if let Some(&to) = index.get(t.name.rust()) {
                            edges[from].push(to);
                        }
                    }
                }
            }
        }
    }
    let component = strongly_connected(&edges);
    let index: BTreeMap<String, usize> =
        index.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for m in modules.iter_mut() {
        for it in &mut m.items {
            if let Item::Struct(s) = it {
                let me = component[index[s.name.rust()]];
                for f in &mut s.fields {
                    if let Ty::Named(t) = &f.ty {
                        if index.get(t.name.rust()).map(|&i| component[i]) == Some(me) {
                            f.ty = Ty::Boxed(Box::new(f.ty.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// The strongly connected component of each node (Tarjan's algorithm, without recursion so a
/// deep type graph cannot overflow the stack).
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, how many of its edges are done)
        let mut calls = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut done)) = calls.last_mut() {
            if *done == 0 && order[v] == UNSEEN {
                order[v] = next_order;
                low[v] = next_order;
                next_order += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*done) {
                *done += 1;
                if order[w] == UNSEEN {
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_exactly_the_nodes_on_a_common_cycle() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 points into it; 4 points at itself; 5 is alone;
        // 6 <-> 7 is a second cycle reached from 2.
        let edges = vec![
            vec![1],
            vec![2],
            vec![0, 6],
            vec![0],
            vec![4],
            vec![],
            vec![7],
            vec![6],
        ];
        let c = strongly_connected(&edges);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert!(c[6] == c[7] && c[6] != c[0]);
        let alone = [c[3], c[4], c[5]];
        for (i, x) in alone.iter().enumerate() {
            assert!(*x != c[0] && *x != c[6], "node {} joined a cycle", i + 3);
        }
        assert!(c[3] != c[4] && c[4] != c[5] && c[3] != c[5]);
        // A long chain does not recurse: no stack overflow on deep type graphs.
        let chain: Vec<Vec<usize>> = (0..200_000).map(|i| vec![i + 1]).chain([vec![0]]).collect();
        let c = strongly_connected(&chain);
        assert!(c.iter().all(|&x| x == c[0]));
    }
}
