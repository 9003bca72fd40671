module spe.local/probe

go 1.24.0
