package aptsolve

// stdSort sorts l as GCC's libstdc++ std::sort does (introsort: median
// of three quicksort down to runs of 16, heapsort past 2·log2(n) levels,
// then insertion sort), so that elements less does not order end where
// apt's std::sort leaves them: apt's problem resolver sorts every package
// by score with it, and the order of equal scores decides what it fixes
// first.
func stdSort(l []int32, less func(a, b int32) bool) {
	if len(l) < 2 {
		return
	}
	introsortLoop(l, 0, len(l), 2*log2(len(l)), less)
	finalInsertionSort(l, 0, len(l), less)
}

const sortThreshold = 16

func log2(n int) int {
	k := 0
	for n > 1 {
		n >>= 1
		k++
	}
	return k
}

func introsortLoop(l []int32, first, last, depth int, less func(a, b int32) bool) {
	for last-first > sortThreshold {
		if depth == 0 {
			heapSort(l[first:last], less)
			return
		}
		depth--
		cut := partitionPivot(l, first, last, less)
		introsortLoop(l, cut, last, depth, less)
		last = cut
	}
}

func partitionPivot(l []int32, first, last int, less func(a, b int32) bool) int {
	mid := first + (last-first)/2
	moveMedianToFirst(l, first, first+1, mid, last-1, less)
	return unguardedPartition(l, first+1, last, first, less)
}

func moveMedianToFirst(l []int32, result, a, b, c int, less func(a, b int32) bool) {
	switch {
	case less(l[a], l[b]):
		switch {
		case less(l[b], l[c]):
			l[result], l[b] = l[b], l[result]
		case less(l[a], l[c]):
			l[result], l[c] = l[c], l[result]
		default:
			l[result], l[a] = l[a], l[result]
		}
	case less(l[a], l[c]):
		l[result], l[a] = l[a], l[result]
	case less(l[b], l[c]):
		l[result], l[c] = l[c], l[result]
	default:
		l[result], l[b] = l[b], l[result]
	}
}

func unguardedPartition(l []int32, first, last, pivot int, less func(a, b int32) bool) int {
	for {
		for less(l[first], l[pivot]) {
			first++
		}
		last--
		for less(l[pivot], l[last]) {
			last--
		}
		if first >= last {
			return first
		}
		l[first], l[last] = l[last], l[first]
		first++
	}
}

func finalInsertionSort(l []int32, first, last int, less func(a, b int32) bool) {
	if last-first > sortThreshold {
		insertionSort(l, first, first+sortThreshold, less)
		for i := first + sortThreshold; i < last; i++ {
			unguardedLinearInsert(l, i, less)
		}
		return
	}
	insertionSort(l, first, last, less)
}

func insertionSort(l []int32, first, last int, less func(a, b int32) bool) {
	if first == last {
		return
	}
	for i := first + 1; i < last; i++ {
		if less(l[i], l[first]) {
			v := l[i]
			copy(l[first+1:i+1], l[first:i])
			l[first] = v
		} else {
			unguardedLinearInsert(l, i, less)
		}
	}
}

func unguardedLinearInsert(l []int32, last int, less func(a, b int32) bool) {
	v := l[last]
	next := last - 1
	for less(v, l[next]) {
		l[last] = l[next]
		last = next
		next--
	}
	l[last] = v
}

// heapSort is std::__partial_sort(first, last, last): make_heap, then
// sort_heap.
func heapSort(l []int32, less func(a, b int32) bool) {
	n := len(l)
	if n < 2 {
		return
	}
	for parent := (n - 2) / 2; ; parent-- {
		adjustHeap(l, parent, n, l[parent], less)
		if parent == 0 {
			break
		}
	}
	for last := n - 1; last > 0; last-- {
		v := l[last]
		l[last] = l[0]
		adjustHeap(l, 0, last, v, less)
	}
}

func adjustHeap(l []int32, hole, n int, v int32, less func(a, b int32) bool) {
	top := hole
	child := hole
	for child < (n-1)/2 {
		child = 2 * (child + 1)
		if less(l[child], l[child-1]) {
			child--
		}
		l[hole] = l[child]
		hole = child
	}
	if n%2 == 0 && child == (n-2)/2 {
		child = 2 * (child + 1)
		l[hole] = l[child-1]
		hole = child - 1
	}
	// push_heap
	parent := (hole - 1) / 2
	for hole > top && less(l[parent], v) {
		l[hole] = l[parent]
		hole = parent
		parent = (hole - 1) / 2
	}
	l[hole] = v
}
