# bench/http/run's chart: requests/s (top) and p99 latency (bottom) per target, one bar per
# scenario. Called with -e "datafile='…'; outfile='…'; title='…'".
set terminal pngcairo size 1100,800 font "DejaVu Sans,10"
set output outfile
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right
set xtics nomirror rotate by -15
set yrange [0:*]
set multiplot layout 2,1 title title
set title "Throughput (requests/s, higher is better)"
set ylabel "requests/s"
plot datafile using 2:xtic(1) title "read (GET /api/session)" lc rgb "#2b6cb0", \
     ''       using 3 title "write (PUT one attribute)" lc rgb "#dd6b20", \
     ''       using 4 title "GET /healthz" lc rgb "#a0aec0"
set title "p99 latency (ms, lower is better)"
set ylabel "ms"
plot datafile using 5:xtic(1) title "read" lc rgb "#2b6cb0", \
     ''       using 6 title "write" lc rgb "#dd6b20", \
     ''       using 7 title "GET /healthz" lc rgb "#a0aec0"
unset multiplot
