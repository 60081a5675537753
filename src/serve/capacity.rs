//! A cap on open connections that never turns a new one away.
//!
//! A fixed number of slots bounds memory however many connections arrive.
//! When they are all taken, the oldest connection is closed to make room,
//! rather than the new one waiting: whoever holds connections open without
//! using them (half-open, slow headers, forgotten tabs) loses them, while a
//! real request, which takes milliseconds, is answered at once.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// Open connections, each a task, at most `limit` at a time.
#[derive(Clone)]
pub struct Capacity {
    limit: usize,
    state: Arc<Mutex<Slots>>,
}

#[derive(Default)]
struct Slots {
    next_id: u64,
    /// By age: dropping a sender ends that connection's task.
    open: BTreeMap<u64, oneshot::Sender<()>>,
}

/// Frees a connection's slot when its task ends, however it ends.
struct Release {
    id: u64,
    state: Arc<Mutex<Slots>>,
}

impl Drop for Release {
    fn drop(&mut self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).open.remove(&self.id);
    }
}

impl Capacity {
    /// Room for `limit` connections (at least one).
    pub fn new(limit: usize) -> Capacity {
        Capacity { limit: limit.max(1), state: Arc::default() }
    }

    /// Runs `connection` on the current runtime, closing the oldest open
    /// connection first if every slot is taken.
    pub fn spawn(&self, connection: impl Future<Output = ()> + Send + 'static) {
        let (close, closed) = oneshot::channel();
        let id = {
            let mut slots = self.state.lock().unwrap_or_else(|p| p.into_inner());
            while slots.open.len() >= self.limit {
                slots.open.pop_first();
            }
            let id = slots.next_id;
            slots.next_id += 1;
            slots.open.insert(id, close);
            id
        };
        let release = Release { id, state: self.state.clone() };
        tokio::spawn(async move {
            let _release = release;
            tokio::select! {
                () = connection => {}
                _ = closed => {}
            }
        });
    }

    /// How many connections are open.
    #[cfg(test)]
    pub fn open(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).open.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A connection that stays open until told, and says when it ended.
    fn held(ended: Arc<Mutex<Vec<u32>>>, n: u32) -> (impl Future<Output = ()>, oneshot::Sender<()>) {
        let (finish, finished) = oneshot::channel::<()>();
        let task = async move {
            struct Ended(Arc<Mutex<Vec<u32>>>, u32);
            impl Drop for Ended {
                fn drop(&mut self) {
                    self.0.lock().unwrap().push(self.1);
                }
            }
            let _ended = Ended(ended, n);
            let _ = finished.await;
        };
        (task, finish)
    }

    async fn settle() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    #[tokio::test]
    async fn the_oldest_connection_makes_room_and_finished_ones_free_their_slot() {
        let capacity = Capacity::new(2);
        let ended = Arc::new(Mutex::new(Vec::new()));
        let (first, _keep_first) = held(ended.clone(), 1);
        let (second, finish_second) = held(ended.clone(), 2);
        let (third, _keep_third) = held(ended.clone(), 3);
        capacity.spawn(first);
        capacity.spawn(second);
        settle().await;
        assert_eq!(capacity.open(), 2);
        capacity.spawn(third);
        settle().await;
        assert_eq!(*ended.lock().unwrap(), vec![1], "the oldest was closed");
        assert_eq!(capacity.open(), 2);
        finish_second.send(()).unwrap();
        settle().await;
        assert_eq!(*ended.lock().unwrap(), vec![1, 2]);
        assert_eq!(capacity.open(), 1, "a finished connection frees its slot");
    }
}
