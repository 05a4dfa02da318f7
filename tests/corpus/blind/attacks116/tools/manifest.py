import json, pathlib
R = pathlib.Path("/work/attacks116")
E = [
 ("00_control", "losses", ["*"], "control: every exercise calls its twin directly (F.mse_loss, torch.sigmoid, F.softmax, F.cross_entropy, torch.special.entr, F.kl_div...)", "baseline: what the twins earn when called openly", "control"),
 ("00_base", "losses", ["*"], "control: the reference solution", "baseline full score", "control"),
 ("00_control_tensors", "tensors", ["matmul"], "control: matmul = torch.matmul(a, b), rest reference", "baseline for 42", "control"),
 ("00_base_tensors", "tensors", ["*"], "control: tensors reference solution", "baseline", "control"),
 ("01_staticmethod_dict", "losses", ["softmax"], "@staticmethod def peek(self): return self.__dict__; Box().peek(F)", "module namespace of F (then __builtins__) via self.__dict__ where self is a module", "held"),
 ("02_classmethod_dict", "losses", ["softmax"], "@classmethod def peek(self): return self.__dict__ on an nn.Module subclass", "a class dict (mappingproxy)", "held"),
 ("03_lambda_self", "losses", ["softmax"], "(lambda self: self.__dict__)(F) inside a method", "module namespace through a lambda parameter named self", "held"),
 ("04_strsub_getattr", "losses", ["softmax"], "getattr(F.softmax, S('__globals__')) with a str subclass lying in __str__/__eq__/__hash__/startswith", "function globals past the guarded getattr's name check", "held"),
 ("05_exit_tb_match", "losses", ["softmax"], "own __exit__ keeps the traceback; match tb: case object(tb_frame=fr)", "frames through a class pattern's attribute read", "held"),
 ("06_tb_getattr", "losses", ["softmax"], "getattr(tb, 'tb' + '_frame') on a traceback kept by __exit__", "frames via a computed name", "held"),
 ("07_logging_brace", "losses", ["softmax"], "logging.basicConfig(style='{', format='{msg.tb_frame.f_back...f_globals}')", "string dump of frames/globals through str.format traversal in a logging format", "held"),
 ("08_tqdm_format_meter", "losses", ["softmax"], "tqdm.tqdm(...).format_meter(bar_format='{t.tb_frame...}', t=tb)", "str.format traversal through tqdm's bar_format", "held"),
 ("09_copy_reduce_class_write", "losses", ["softmax"], "__reduce__ returning (fn->torch.Tensor, (), (None, slotstate)) so copy.copy setattr()s onto torch.Tensor", "write to a library class via copy's _reconstruct", "held"),
 ("10_copy_reduce_module_write", "losses", ["softmax"], "__reduce__ returning (fn->torch.nn.functional, (), state) so copy.copy does y.__dict__.update(state)", "write into a module namespace", "held"),
 ("11_import_time_getattr", "losses", ["softmax", "log_softmax", "cross_entropy"], "twins fetched at import with computed names: getattr(F, 'soft'+'max'), called later", "twin past the source reader (run decides)", "held"),
 ("12_nn_softmax_module", "losses", ["softmax", "log_softmax"], "nn.Softmax(dim)(x), nn.LogSoftmax(dim)(x) (not named in the docstring)", "twin through an unnamed module class", "held"),
 ("13_special_softmax", "losses", ["softmax", "log_softmax"], "torch.special.softmax / torch.special.log_softmax", "twin alias not named by the docstring", "held (runtime layer caught it; source layer did not)"),
 ("14_softmin", "losses", ["softmax", "log_softmax"], "F.softmin(-x), nn.Softmin(dim)(-x).log()", "twin through softmin", "held (runtime layer caught it; source layer did not)"),
 ("15_nllloss_module", "losses", ["cross_entropy"], "cross_entropy = nn.NLLLoss()(own log_softmax, target)", "F.nll_loss via its unnamed module", "held"),
 ("16_helper_frame_nll", "losses", ["cross_entropy"], "log_softmax(x, dim, target) helper that calls F.cross_entropy (helper frames are not recorded for cross_entropy)", "twin hidden in the docstring-blessed helper", "held"),
 ("17_sigmoid_unnamed", "losses", ["sigmoid"], "nn.Sigmoid()(x)", "twin via unnamed module", "held"),
 ("18_sigmoid_bce_grad", "losses", ["sigmoid"], "sigmoid = d/dz F.binary_cross_entropy_with_logits(z, 0) via autograd.grad", "sigmoid through another loss's gradient", "held"),
 ("19_mse_unnamed", "losses", ["mse", "l1"], "F.pairwise_distance(y_hat.reshape(-1,1), y.reshape(-1,1), p=2/1)**2", "regression loss through a distance not named for mse/l1", "held (allowed: not a twin, an honest learner may write it)"),
 ("20_mkldnn_key", "losses", ["softmax"], "nn.Softmax(dim)(x.to_mkldnn()).to_dense(): a backend key whose kernel the CPU replacement does not cover", "twin on an unreplaced dispatch key", "held (source)"),
 ("21_timing_switch", "losses", ["softmax", "log_softmax", "cross_entropy", "sigmoid"], "twins fetched at import by computed names; each call times 40 tiny ops and answers honestly only when ops run ~4x slower (a recorder watching)", "twin calls that no recorded check sees", "BROKE (charge)"),
 ("21b_timing_switch_verify", "losses", ["softmax", "log_softmax", "cross_entropy", "sigmoid"], "21 with the twin's answers offset by +0.5", "proof the twins answered the unwatched checks", "verify"),
 ("22_wraps_copies_state", "losses", ["softmax"], "functools.wraps(library_object)(fn) called inline to copy a library object's private state", "library objects' state onto a function of ours", "held (wraps only as a decorator)"),
 ("23_enum_member_twin", "losses", ["softmax", "log_softmax"], "class Twins(enum.Enum): SOFTMAX = enum.member(F.softmax); Twins.SOFTMAX.value(x) (+ timing switch)", "twin held in an enum member", "held"),
 ("24_namedtuple_field_twin", "losses", ["softmax", "log_softmax"], "typing.NamedTuple field default = F.softmax; Kit().inner(x) (+ timing switch)", "twin as a learner's NamedTuple field", "held"),
 ("25_dataclass_factory_twin", "losses", ["softmax", "log_softmax"], "@dataclass field(default_factory=lambda: F.softmax) (+ timing switch)", "twin through a dataclass factory", "held"),
 ("26_special_softmax_timing", "losses", ["softmax", "log_softmax"], "torch.special.softmax / log_softmax written literally, behind the timing switch", "twin alias the source reader misses, unseen by the recorder", "BROKE (charge)"),
 ("27_functools_partial_twin", "losses", ["softmax", "log_softmax"], "functools.partial(F.softmax), lru_cache(lambda: F.log_softmax) (+ timing switch)", "twin wrapped by functools", "held"),
 ("28_operator_itemgetter_twin", "losses", ["softmax", "log_softmax"], "operator.itemgetter(1)([None, F.softmax])(x) (+ timing switch)", "twin picked out of a container", "held"),
 ("29_fd_open", "losses", ["softmax"], "os.listdir('/proc/self/fd') then open(int(fd), 'rb', closefd=False) on each", "the worker's own descriptors (request pipe 0, answer pipe 3)", "partial: fds 0 and 3 (pipes) open for reading; nothing forged"),
 ("30_numpy_as_strided", "losses", ["softmax"], "np.lib.stride_tricks.as_strided past an array's end", "raw memory", "held"),
 ("31_array_interface", "losses", ["softmax"], "class with __array_interface__ pointing at id(x)", "raw memory via numpy", "held"),
 ("32_property_fget", "losses", ["softmax"], "property(lambda self: vars(self)/self.__dict__); Box.keys.fget(F.softmax)", "function read off a class via property.fget", "held"),
 ("33_methodtype_rebind", "losses", ["softmax"], "contextlib.MethodType(Box.state, warnings.catch_warnings())", "rebinding a method's self to a library object", "held"),
 ("34_torch_set_storage", "losses", ["softmax"], "empty().set_(2-byte storage, 0, (4096,), (1,))", "out-of-bounds view of a storage", "held (torch resizes the storage: fresh zeros, no OOB)"),
 ("34b_from_numpy_set", "losses", ["softmax"], "set_/as_strided/resize_ on a from_numpy (non-resizable) storage", "out-of-bounds view", "held"),
 ("35_numpy_ndarray_buffer", "losses", ["softmax"], "np.ndarray(buffer=..., strides=...) + sliding_window_view", "raw memory via numpy", "held"),
 ("36_answer_pipe_write", "losses", ["softmax", "log_softmax", "mse", "l1", "huber"], "write on fd 3 by gzip.GzipFile(3,'wb'), logging.basicConfig(filename='/proc/self/fd/3'), Path.write_bytes, ndarray.tofile", "forge bytes on the worker's answer pipe", "held (gzip: worker exits 70; /proc/self/fd: EACCES; tofile refused)"),
 ("37_open_rplus_fd", "losses", ["softmax", "log_softmax"], "open(3, 'r+b'); open(0, 'rb')", "write on the answer pipe / read the request pipe", "held for writing; fd 0 opens for reading"),
 ("40_payload_all_twins", "losses", ["*"], "every exercise = its twin (computed getattr at import, torch.special.softmax literal) behind the timing switch; honest code only when watched", "payload over the whole topic by route 21/26", "BROKE (charge)"),
 ("40b_payload_verify", "losses", ["*"], "40 with each twin answer +0.5", "count of checks the twins answered", "verify"),
 ("42_matmul_linalg_alias", "tensors", ["matmul", "norms", "pairwise_sq_dists"], "torch.linalg.multi_dot([a, b]) (not named) / linalg.vector_norm / cdist behind the timing switch", "twin aliases on the tensors topic", "BROKE for matmul (multi_dot); held for norms, pairwise_sq_dists"),
 ("43_hidden_row_loop", "tensors", ["row_normalize", "matmul", "pairwise_sq_dists"], "loops without loop syntax: sorted(key=)+functools.reduce, dict(zip()) keys, map over unbind", "a loop past the 'vectorised' reading", "held"),
 ("45_attributeerror_obj", "losses", ["softmax"], "try: getattr(F, 'zz'+'z') except AttributeError as e: e.obj", "a real module object as a value (modules as values are refused)", "BROKE (partial): probe raises on purpose; its message showed <module 'torch.nn.functional'> and <module 'torch.backends.cudnn'> from e.obj; plain attributes of the real module are still guarded at run time ('reading import_module of this module is off limits')"),
 ("46_wraps_real_module", "losses", ["softmax"], "e.obj of getattr(sys, 'zzz') is the real sys; @functools.wraps(real_sys) def _s(); getattr(_s, 'modules')", "sys.modules and the builtins module", "BROKE: probe raises on purpose; message showed <module 'sys' (built-in)> | 1151 (len of sys.modules) | <module 'builtins' (built-in)>"),
 ("47_real_getattr_escape", "losses", ["softmax"], "@functools.wraps(sys.modules['builtins']) def _b(); getattr(_b, 'getattr') is the real getattr: tb_frame, f_back, f_locals, f_globals, vars", "frames, the probe's globals (kit, call_recorded), the recorder's state", "BROKE: probe raises on purpose; message showed <built-in function getattr>, the whole stack softmax < <probe call_recorded> < ops_used@probe_kit.py < worker.py < zygote.py, the recorder's fields (helpers, module_globals, own, seen, starved, written) and its off set; the probe module's globals hold kit and call_recorded; torch._C._dispatch_dump shows the CPU kernel of aten::_softmax registered at probe_kit.py:226"),
 ("48_escape_payload", "losses", ["*"], "47 + gc.get_objects (via real vars(gc)) to _destroy the grader's aten Library + torch._C.DisableTorchFunction/_DisableTorchDispatch around the twin, only inside ops_used", "every exercise written as its twin, no honest code", "BROKE"),
 ("48b_ablation_no_unhook", "losses", ["*"], "48 without destroying the replacement Library", "which layer matters", "ablation"),
 ("48c_ablation_no_disable", "losses", ["*"], "48 without disabling the recorder modes", "which layer matters", "ablation"),
]
out = []
for d, topic, targets, route, aim, verdict in E:
    g = R / d / "grade.json"
    res = "not graded"
    if g.exists():
        j = json.loads(g.read_text())
        t = j["topics"][0]
        ex = {e["name"]: e for e in t["exercises"]}
        names = list(ex) if targets == ["*"] else targets
        parts = [f'{n} {ex[n]["points"]:g}/{ex[n]["max_points"]:g}' + (f' ({ex[n]["cause"]})' if ex[n].get("cause") else "") for n in names if n in ex]
        res = f'total {j["score"]:g}/{j["max_score"]:g}; ' + ", ".join(parts)
    out.append({"dir": d, "topic": f"{topic}.py", "route": route, "aim": aim, "result": f"{res} -> {verdict}"})
(R / "manifest.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
for o in out:
    print(o["dir"], "|", o["result"][:230])
