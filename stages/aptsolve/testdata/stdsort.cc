// stdsort.cc sorts each input line's numbers by key with the C++ standard
// library's std::sort, as apt's pkgProblemResolver does, and prints the
// resulting order of positions. Input lines: "k0 k1 k2 ..." (keys);
// output lines: the original positions in sorted order. The comparator
// orders higher keys first and leaves equal keys unordered, as
// pkgProblemResolver::ScoreSort does.
#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main() {
	std::string line;
	while (std::getline(std::cin, line)) {
		std::istringstream in(line);
		std::vector<int> keys;
		int k;
		while (in >> k)
			keys.push_back(k);
		std::vector<int> pos(keys.size());
		for (size_t i = 0; i < pos.size(); ++i)
			pos[i] = i;
		std::sort(pos.begin(), pos.end(), [&](int a, int b) { return keys[a] > keys[b]; });
		for (size_t i = 0; i < pos.size(); ++i)
			std::cout << (i ? " " : "") << pos[i];
		std::cout << "\n";
	}
}
