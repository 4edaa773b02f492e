module cgocallsbench.example

go 1.26
