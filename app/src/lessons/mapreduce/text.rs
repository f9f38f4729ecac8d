//! The text of the mapreduce lesson: one paragraph per entry, in our own words.

/// The lesson text's paragraphs, read beside the diagram ([`crate::reader`]); `[label](query)` is a "show me" link.
pub const TEXT: &[&str] = &[
    "MapReduce lets a programmer write two small functions and run them over more data \
     than one machine can hold. Map turns each input record into intermediate (key, \
     value) pairs; reduce gets one key with all of its values and produces the output \
     for that key. Word count: map emits (word, 1) for every word, reduce adds the ones \
     up.",
    "The input is cut into M splits, one map task each. A map worker partitions its \
     pairs by a hash of the key mod R into R regions on its own local disk, so every \
     pair with the same key lands in the same region number whichever worker made it. \
     An optional combiner does part of the reduce work on a map worker's own pairs before \
     they are written, so less crosses the network: word count's combiner sums each \
     word's ones, the inverted index's combiner drops repeated (word, line) pairs. It \
     leaves the result unchanged only when that is safe: for word count, because \
     addition is commutative and associative, so partial sums can be added in any \
     grouping and order.",
    "Reduce task r fetches region r from every map task's worker, sorts the pairs by key, \
     groups the values of each key and reduces them. In the original system a reduce \
     worker fetches each map task's region as soon as that task completes; only the sort \
     and the reduce function must wait for the last map task, since any map may emit a \
     key that belongs to r. This simulation keeps the picture simpler and hands out \
     reduce tasks once every map task is completed. It writes its output under a \
     temporary name and renames it once complete, so a reader never sees half a file \
     and a task that runs twice leaves one output.",
    "A coordinator tracks every task as idle, in progress or completed, and hands idle \
     tasks to free workers. It pings the workers; one that stops answering is presumed \
     dead. Its in-progress tasks go back to idle, and so do its completed map tasks, \
     because their output lived on its disk; the reducers are told where the new copy \
     is ([show me](s=mapreduce-worker-crash&step=57)). Completed reduce output is in the global file system and survives. If the \
     coordinator itself fails, the job is aborted and the client told.",
    "Stragglers: one slow machine can hold up the whole job. Near the end the \
     coordinator starts backup copies of the tasks still in progress on free workers and \
     takes whichever copy finishes first ([show me](s=mapreduce-straggler&step=43)). Running a task twice, or two copies of it, is \
     safe only because the framework requires user code to be deterministic and \
     side-effect free: map and reduce must compute the same output from the same input \
     and change nothing else. Given that, the output equals a sequential run of the job \
     over the whole input.",
];
