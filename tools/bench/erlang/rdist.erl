%% Remote-messaging workloads for Erlang distribution, the peer of ractor-cpp's cluster
%% benchmarks: two `erl -sname` nodes on one machine, a gen_server on one, a client on the
%% other. Prints one RESULT line per workload, in the format of ../shared/peers.
%%
%%   erl -sname rdist_server -setcookie C -noshell -pa DIR -run rdist server
%%   erl -sname rdist_client -setcookie C -noshell -pa DIR -run rdist client SERVER_NODE remote_cast
%%   erl -sname rdist_client -setcookie C -noshell -pa DIR -run rdist client SERVER_NODE remote_call
%%
%% remote_cast: 1,000,000 gen_server:cast messages to the remote server, then one call that
%%       returns the count it has seen (so every cast was handled); msgs/s over the whole.
%% remote_call: 100,000 sequential gen_server:call round trips; ns per call.
-module(rdist).
-behaviour(gen_server).
-export([server/0, client/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(CASTS, 1000000).
-define(CALLS, 100000).

server() ->
    {ok, _} = gen_server:start({local, rdist_echo}, ?MODULE, [], []),
    receive stop -> ok end.

init([]) -> {ok, 0}.

handle_call(count, _From, N) -> {reply, N, 0};
handle_call({echo, X}, _From, N) -> {reply, X, N};
handle_call(stop, _From, N) -> {stop, normal, ok, N}.

handle_cast({msg, _}, N) -> {noreply, N + 1}.

handle_info(_, N) -> {noreply, N}.

client([Server, Workload]) ->
    Node = list_to_atom(Server),
    true = net_kernel:connect_node(Node),
    Target = {rdist_echo, Node},
    %% A warm-up call: the server must be registered before timing starts.
    wait_for_server(Target, 100),
    run(list_to_atom(Workload), Target),
    init:stop().

wait_for_server(_, 0) -> erlang:error(server_not_found);
wait_for_server(Target, Tries) ->
    try gen_server:call(Target, {echo, 0}) of
        0 -> ok
    catch exit:_ -> timer:sleep(50), wait_for_server(Target, Tries - 1)
    end.

run(remote_cast, Target) ->
    0 = gen_server:call(Target, count),
    T0 = erlang:monotonic_time(nanosecond),
    cast_loop(Target, ?CASTS),
    ?CASTS = gen_server:call(Target, count, infinity),
    Ns = erlang:monotonic_time(nanosecond) - T0,
    io:format("RESULT system=erlang-dist workload=remote_cast msgs=~b total_ms=~.1f msgs_per_s=~b~n",
              [?CASTS, Ns / 1.0e6, round(?CASTS / (Ns / 1.0e9))]);
run(remote_call, Target) ->
    T0 = erlang:monotonic_time(nanosecond),
    call_loop(Target, ?CALLS),
    Ns = erlang:monotonic_time(nanosecond) - T0,
    io:format("RESULT system=erlang-dist workload=remote_call calls=~b total_ms=~.1f calls_per_s=~b ns_per_call=~b~n",
              [?CALLS, Ns / 1.0e6, round(?CALLS / (Ns / 1.0e9)), round(Ns / ?CALLS)]).

cast_loop(_, 0) -> ok;
cast_loop(Target, I) -> gen_server:cast(Target, {msg, I}), cast_loop(Target, I - 1).

call_loop(_, 0) -> ok;
call_loop(Target, I) -> I = gen_server:call(Target, {echo, I}), call_loop(Target, I - 1).
