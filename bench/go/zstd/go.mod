module zstdbench.example

go 1.26

require github.com/DataDog/zstd v1.5.7
