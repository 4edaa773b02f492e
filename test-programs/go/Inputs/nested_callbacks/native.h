// C half of nested_callbacks: each function says who may call it.
long walk(long *v, int n);           // Go -> C; calls goStep (C -> Go) for every element
long fill(long *v, int n, int seed); // Go (inside a callback) -> C; calls goLeaf (a third level)
long fill_on_c_thread(long *v, int n, int seed); // Go (inside goFromThread, on a C thread) -> C
long leaf(long x);                   // Go (inside goLeaf) -> C: the deepest level
long run_threads(int threads, int rounds); // Go -> C; C threads call goFromThread
