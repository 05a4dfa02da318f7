"""Builds the mistake files from the reference module text (one edit each) and labels.json."""
import json, pathlib
SOL = pathlib.Path("/work/main/solutions")
OUT = pathlib.Path("/work/blind/learner_s5")
M = []
def add(topic, exercise, name, old, new, cause, cause_zh, fits, fits_zh, misleading, witness):
    M.append(dict(topic=topic, exercise=exercise, file=f"{topic}_{name}.py", old=old, new=new, cause=cause,
                  cause_zh=cause_zh, fits=fits, fits_zh=fits_zh, misleading=misleading, witness=witness))

# ---------------- tensors
add("tensors", "add_into", "rebind_z",
    "    z[:] = x + y\n    return z", "    z = x + y\n    return z",
    "The sum is bound to the name z as a new tensor instead of being written into z's existing storage, so the caller's z is never changed.",
    "把 x + y 赋给了名字 z（新建了一个张量），而不是写进 z 原有的内存，调用者的 z 没有被修改。",
    "Write into the existing tensor with z[:] = x + y (or an out=/in-place op) so data_ptr stays the same.",
    "用 z[:] = x + y（或 out= / 原地操作）写入原张量，使 data_ptr 不变。",
    ["Cast the result to z's dtype before returning it.", "Use torch.add instead of + to get the right values.", "Clone x before adding so x is left unchanged."],
    "z=zeros(3); add_into(z, x, y) leaves z all zeros (reference writes x+y into it); returned tensor has a different data_ptr.")
add("tensors", "row_normalize", "wrong_axis",
    "x.sum(dim=1, keepdim=True)", "x.sum(dim=0, keepdim=True)",
    "The sums are taken down the columns (dim=0) instead of along each row (dim=1), so columns rather than rows sum to 1.",
    "求和的维度错了：用了 dim=0（按列）而不是 dim=1（按行），结果是每列和为 1 而不是每行。",
    "Sum over dim=1 with keepdim=True so each row is divided by its own sum.",
    "沿 dim=1 求和并保留维度（keepdim=True），让每一行除以自己的和。",
    ["Add keepdim=True so the shapes broadcast.", "Avoid the Python loop over rows: the function must be vectorised.", "Clamp the sums away from zero to avoid division by zero."],
    "x = rand(3,4)+0.1: result rows do not sum to 1; differs from reference.")
add("tensors", "fill_nan_with_column_mean", "count_nans",
    "means = numbers.sum(dim=0) / (~missing).sum(dim=0)", "means = numbers.mean(dim=0)",
    "The column mean divides by all n rows, counting the NaN slots as zeros, instead of dividing by the number of actual numbers in the column.",
    "列均值除以了全部 n 行（把 NaN 当成 0 计入），而不是只除以该列非 NaN 数的个数。",
    "Divide each column's sum of numbers by the count of non-NaN entries in that column, not by the number of rows.",
    "每列的数值之和应除以该列非 NaN 元素的个数，而不是行数。",
    ["Return a copy so x itself stays unchanged.", "Use torch.nanmean-like masking along dim=1 (per row).", "Replace NaN with 0 instead of the mean."],
    "x=[[1,nan],[3,4],[nan,8]]: reference fills 2 and 6; this fills 4/3 and 4.")
add("tensors", "norms", "no_sqrt",
    "(x * x).sum().sqrt()", "(x * x).sum()",
    "The L2 norm is returned as the sum of squares, without taking the square root.",
    "L2 范数只算了平方和，忘了开平方根。",
    "L2 = sqrt(sum of x_i^2): take the square root of the sum of squares.",
    "L2 = √(Σ xᵢ²)：平方和之后还要开平方。",
    ["Use abs() before squaring for negative entries.", "Sum only over the last dim instead of all elements.", "Return Python floats instead of 0-dim tensors."],
    "x=[3.,4.]: L2 is 25 instead of 5.")

# ---------------- autograd
add("autograd", "linear_grad", "missing_two",
    "return (2 * x * (w * x - y)).mean()", "return (x * (w * x - y)).mean()",
    "The factor 2 from differentiating the square is dropped, so the gradient is half the true value.",
    "对平方求导得到的系数 2 被漏掉了，梯度只有正确值的一半。",
    "d/dw of (w·x − y)² is 2·x·(w·x − y): keep the factor 2 from the power rule.",
    "(w·x − y)² 对 w 的导数是 2·x·(w·x − y)：别漏掉幂法则的系数 2。",
    ["Compute the residual w·x − y first to avoid cancellation.", "Use sum instead of mean over the samples.", "Use autograd's backward() to get the gradient."],
    "w=2,x=[1,2,3],y=[1,1,1]: 7.33 vs reference 14.67 (exactly half).")
add("autograd", "quadratic_grads", "sign_residual",
    "r = w1 * x**2 + w2 * x + b - y", "r = y - (w1 * x**2 + w2 * x + b)",
    "The residual is taken as y − y_hat instead of y_hat − y, so all three gradients have the wrong sign.",
    "残差写成了 y − y_hat 而不是 y_hat − y，三个梯度的符号全部反了。",
    "Use r = y_hat − y (prediction minus target); the chain rule then gives +2·r·x², +2·r·x, +2·r.",
    "用 r = y_hat − y（预测减目标），链式法则给出 +2·r·x²、+2·r·x、+2·r。",
    ["Use x**2 instead of x in dL/dw2.", "Average with sum()/n instead of mean().", "Drop the factor 2."],
    "random w1,w2,b,x,y: each gradient is the negative of the reference.")
add("autograd", "detach_grad", "no_detach",
    "u = (copy * copy).detach()", "u = copy * copy",
    "u is not detached, so autograd differentiates through it and returns 3·x² instead of u = x².",
    "u 没有 detach，自动求导会穿过它，得到 3·x² 而不是 u = x²。",
    "Detach u = (x·x).detach() so it is treated as a constant; the gradient is then u itself.",
    "对 u = (x·x) 调用 .detach()，把它当作常数，梯度就是 u 本身。",
    ["Sum z before calling backward.", "Work on a clone of x so the caller's x is untouched.", "Zero x.grad before backward."],
    "x=[1,2,3]: returns [3,12,27] vs reference [1,4,9].")
add("autograd", "Value", "no_accumulate",
    "                parent.grad += local * node.grad", "                parent.grad = local * node.grad",
    "In backward the parent's gradient is overwritten (=) instead of accumulated (+=), so a Value used more than once keeps only the last contribution.",
    "backward 中父节点的梯度用 = 覆盖而不是用 += 累加，一个被多次使用的 Value 只保留了最后一个贡献。",
    "Accumulate with parent.grad += local * node.grad, since a node used several times gets a sum of contributions.",
    "用 parent.grad += local * node.grad 累加：被多次使用的节点梯度是各路贡献之和。",
    ["Use recursion for the topological sort.", "Set self.grad = 0 at the start of backward.", "Fix the derivative of relu at 0."],
    "a=Value(3); (a*a).backward(): a.grad 3 vs reference 6; also a+a gives 1 vs 2.")

# ---------------- losses
add("losses", "huber", "delta_half",
    "delta * (d - 0.5 * delta)", "delta * (d - 0.5)",
    "In the linear branch the offset uses 0.5 instead of 0.5·δ, so the two pieces only meet when δ = 1.",
    "线性部分的偏移写成了 0.5 而不是 0.5·δ，只有 δ = 1 时两段才衔接。",
    "The linear piece is δ·(|d| − 0.5·δ); the offset scales with δ so both pieces meet at |d| = δ.",
    "线性段是 δ·(|d| − 0.5·δ)：偏移要乘 δ，两段才会在 |d| = δ 处相接。",
    ["Use the mean instead of the sum for the reduction.", "Compare d < delta instead of d <= delta.", "Take the absolute value of d before squaring."],
    "delta=2, y_hat=[5], y=[0]: 9 vs reference 8; delta=1 agrees.")
add("losses", "softmax", "global_sum",
    "return e / e.sum(dim=dim, keepdim=True)", "return e / e.sum()",
    "The exponentials are divided by the sum over the whole tensor instead of the sum along dim, so rows do not each sum to 1.",
    "指数值除以了整个张量的总和而不是沿 dim 的和，每一行不再各自和为 1。",
    "Normalise with e.sum(dim=dim, keepdim=True) so each slice along dim sums to 1.",
    "用 e.sum(dim=dim, keepdim=True) 归一化，让沿 dim 的每一片和为 1。",
    ["Subtract the maximum before exponentiating to avoid overflow.", "Detach the maximum so gradients flow correctly.", "Cast to float64 for stability."],
    "x=randn(3,4): rows sum to ~1/3 each; differs from reference.")
add("losses", "cross_entropy", "sum_not_mean",
    "return -log_probs.gather(1, target.unsqueeze(1)).mean()", "return -log_probs.gather(1, target.unsqueeze(1)).sum()",
    "For class-index targets the per-sample losses are summed over the batch instead of averaged.",
    "类别下标形式的目标时，把每个样本的损失求和了，而不是在批上取平均。",
    "Reduce the −log p[target] values with mean over the batch, as F.cross_entropy does by default.",
    "对 −log p[target] 在批上取 mean，与 F.cross_entropy 的默认归约一致。",
    ["Compute log_softmax along dim 0.", "Subtract the row maximum for stability at ±1000.", "Convert the targets to one-hot first."],
    "logits randn(4,3), target [0,1,2,0]: 4x the reference value; n=1 agrees.")
add("losses", "entropy", "nan_at_zero",
    "    safe = torch.where(p > 0, p, torch.ones_like(p))\n    return -(p * safe.log()).sum(dim=-1)",
    "    return -(p * p.log()).sum(dim=-1)",
    "p·log p is computed directly, so a zero probability gives 0·(−inf) = NaN instead of the convention 0·log 0 = 0.",
    "直接计算 p·log p，概率为 0 时得到 0·(−inf) = NaN，而不是约定的 0·log 0 = 0。",
    "Treat 0·log 0 as 0: use torch.xlogy(p, p) or replace p by 1 inside the log where p == 0.",
    "按 0·log 0 = 0 处理：用 torch.xlogy(p, p)，或在 p == 0 处把 log 内的 p 换成 1。",
    ["Sum over dim 0 instead of the last dim.", "Use log2 instead of the natural log.", "Add a small eps like 1e-12 inside the log (biases gradients; value check may pass)."],
    "p=[[0.5,0.5,0.0]]: NaN vs reference log 2.")

# ---------------- optim
add("optim", "gd_fit", "record_after",
    "        losses.append(_mse(w, x, y))\n        w -= lr * float((2 * x * (w * x - y)).mean())",
    "        w -= lr * float((2 * x * (w * x - y)).mean())\n        losses.append(_mse(w, x, y))",
    "The loss is recorded after each update instead of before it, so the list is shifted by one step (the starting loss is missing).",
    "损失是在每次更新之后记录的，而不是之前，整个列表错位一步（缺少初始 w=1 时的损失）。",
    "Record mean((w·x − y)²) first, then update w; the first entry is the loss at w = 1.0.",
    "先记录 mean((w·x − y)²)，再更新 w；第一个值应是 w = 1.0 时的损失。",
    ["Use the sum instead of the mean in the gradient.", "Start from w = 0 instead of 1.", "Return w as a tensor, not a float."],
    "x=[1,2,3], y=2x, lr=0.01, steps=3: losses[0] differs (reference is the loss at w=1); final w equal.")
add("optim", "SGD", "buffer_from_zero",
    "                    if \"momentum_buffer\" not in state:\n                        state[\"momentum_buffer\"] = g.clone()\n                    else:\n                        state[\"momentum_buffer\"].mul_(group[\"momentum\"]).add_(g, alpha=1 - group[\"dampening\"])",
    "                    if \"momentum_buffer\" not in state:\n                        state[\"momentum_buffer\"] = torch.zeros_like(p)\n                    state[\"momentum_buffer\"].mul_(group[\"momentum\"]).add_(g, alpha=1 - group[\"dampening\"])",
    "The momentum buffer starts at zero and gets the damped update on the first step, instead of being set to g itself on the first step.",
    "动量缓冲从 0 开始并在第一步就做了带 dampening 的更新，而不是第一步直接设为 g。",
    "On the first step set b = g (a clone of the gradient); apply b ← momentum·b + (1 − dampening)·g only from the second step on.",
    "第一步令 b = g（梯度的拷贝），从第二步起才用 b ← momentum·b + (1 − dampening)·g。",
    ["Apply weight decay after the momentum update.", "Use g + momentum·b for Nesterov.", "Wrap the update in torch.no_grad()."],
    "momentum=0.9, dampening=0.5: after one step p differs from torch.optim.SGD (step 0.5·lr·g vs lr·g); with dampening=0 they agree.")
add("optim", "Adam", "eps_inside_sqrt",
    "v_hat.sqrt().add_(group[\"eps\"])", "v_hat.add(group[\"eps\"]).sqrt()",
    "eps is added inside the square root (√(v̂ + eps)) instead of after it (√v̂ + eps).",
    "eps 加在了平方根里面（√(v̂ + eps)），而不是开方之后（√v̂ + eps）。",
    "The denominator is √v̂ + eps: take the square root of v̂ first, then add eps.",
    "分母是 √v̂ + eps：先对 v̂ 开方，再加 eps。",
    ["Count t from 0 for the bias correction.", "Use β₂ for the first moment.", "Apply weight decay to the update instead of the gradient."],
    "grad 1e-6 on one parameter, lr=0.1: step 0.0010 vs torch.optim.Adam 0.0990.")
add("optim", "k_fold_indices", "split_floor",
    "return list(torch.arange(n).tensor_split(k))", "return list(torch.arange(n).split(n // k))",
    "The folds are chunks of n // k indices, so when k does not divide n there are more than k folds and the sizes do not follow tensor_split.",
    "每折取 n // k 个下标，当 n 不能被 k 整除时折数多于 k，大小也不符合 tensor_split 的规则。",
    "Use tensor_split(k): exactly k folds, the first n % k of them one index larger.",
    "用 tensor_split(k)：恰好 k 折，前 n % k 折各多一个下标。",
    ["Shuffle the indices before splitting.", "Return int32 tensors.", "Make the folds overlap by one index."],
    "n=10, k=3: 4 folds [3,3,3,1] vs reference 3 folds [4,3,3].")

# ---------------- mlp
add("mlp", "dropout", "scale_times",
    "return x * keep / (1 - p)", "return x * keep * (1 - p)",
    "The surviving elements are multiplied by (1 − p) instead of divided by it, so the expected value shrinks instead of being preserved.",
    "保留下来的元素乘以了 (1 − p) 而不是除以 (1 − p)，期望值被缩小而不是保持不变。",
    "Inverted dropout scales survivors by 1/(1 − p) during training so E[output] = x.",
    "反向（inverted）dropout 在训练时把保留的元素除以 (1 − p)，使期望不变。",
    ["Use torch.rand_like(x) < p for the mask.", "Return x unchanged when p = 0 only.", "Apply dropout in eval mode too."],
    "seed 0, x=ones(1000), p=0.5: survivors are 0.5 instead of 2.0.")
add("mlp", "xavier_uniform_", "no_receptive",
    "fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive",
    "fan_in, fan_out = tensor.shape[1], tensor.shape[0]",
    "The fans ignore the kernel size (the receptive field), so a conv weight gets a bound that is too large.",
    "fan_in/fan_out 没有乘卷积核大小（感受野），卷积权重得到的边界过大。",
    "For a weight (out, in, *kernel) multiply both fan_in and fan_out by the product of the kernel dims.",
    "对 (out, in, *kernel) 形状的权重，fan_in 与 fan_out 都要乘以卷积核各维之积。",
    ["Use fan_in only: a = sqrt(3 / fan_in).", "Swap fan_in and fan_out.", "Fill with a normal distribution instead of uniform."],
    "seed 0, empty(16,8,3,3): bound 0.5 vs 0.167, values 3x the reference; (out,in) linear weights agree.")
add("mlp", "MLP", "act_on_logits",
    "            if i < len(sizes) - 2:", "            if i < len(sizes) - 1:",
    "The activation (and dropout) is also put after the last linear layer, so the logits pass through ReLU.",
    "激活函数（和 dropout）也加在了最后一个线性层之后，输出的 logits 经过了 ReLU。",
    "Apply the activation only after hidden layers: the last Linear's output is returned as raw logits.",
    "只在隐藏层之后加激活；最后一个 Linear 的输出直接作为 logits 返回。",
    ["Flatten the input with view instead of flatten.", "Add a softmax at the end.", "Use bias=False in the linear layers."],
    "MLP([4,5,3]) with reference state_dict copied (same Linear indices): outputs are clamped at 0, reference has negatives.")
add("mlp", "train_epoch", "no_zero_grad",
    "        optimizer.zero_grad()\n", "",
    "optimizer.zero_grad() is never called, so gradients from earlier batches accumulate into every step.",
    "没有调用 optimizer.zero_grad()，前面批次的梯度会累加到每一步里。",
    "Call optimizer.zero_grad() before loss.backward() in every batch.",
    "每个批次在 loss.backward() 之前调用 optimizer.zero_grad()。",
    ["Weight each batch's loss by its size.", "Move the targets to the device.", "Call model.eval() before training."],
    "Linear(3,1), SGD lr 0.1, 3 batches: weights and returned mean loss differ from the reference after the 2nd batch.")

# ---------------- cnn
add("cnn", "corr2d", "off_by_one",
    "for j in range(x.shape[1] - kw + 1)", "for j in range(x.shape[1] - kw)",
    "The column loop stops one position early (range(W − kw) instead of range(W − kw + 1)), so the last output column is missing.",
    "列方向的循环少走了一步（range(W − kw) 而不是 range(W − kw + 1)），缺少最后一列输出。",
    "There are W − kw + 1 horizontal positions: loop j over range(W − kw + 1), like the rows.",
    "水平位置有 W − kw + 1 个：j 应遍历 range(W − kw + 1)，与行一样。",
    ["Flip the kernel before multiplying.", "Pad the input by kw // 2.", "Use torch.stack along dim 1 instead of dim 0."],
    "x (4,5), k (2,2): shape (3,3) vs (3,4).")
add("cnn", "conv2d", "flipped_kernel",
    "out = weight.reshape(c_out, -1) @ columns", "out = weight.flip(-2, -1).reshape(c_out, -1) @ columns",
    "The kernel is flipped (true convolution) although F.conv2d computes cross-correlation without flipping.",
    "卷积核被翻转了（数学上的卷积），而 F.conv2d 做的是不翻转的互相关。",
    "Deep-learning conv is cross-correlation: multiply each window by the kernel as given, no flip.",
    "深度学习里的卷积是互相关：窗口直接乘以原核，不要翻转。",
    ["Add padding to the output size formula twice.", "Add the bias before the matrix product.", "Transpose the columns before multiplying."],
    "x randn(2,3,6,6), w randn(4,3,3,3), stride 2, padding 1: differs from F.conv2d; symmetric kernels agree.")
add("cnn", "conv_output_size", "pad_once",
    "return (n + 2 * padding - k) // stride + 1", "return (n + padding - k) // stride + 1",
    "Padding is counted once instead of on both sides (n + p instead of n + 2p).",
    "padding 只算了一次，而不是两侧各一次（n + p 而不是 n + 2p）。",
    "Zero padding adds p on each side, so the padded length is n + 2·padding.",
    "零填充在两侧各加 p，填充后的长度是 n + 2·padding。",
    ["Use ceil instead of floor for the division.", "Drop the + 1.", "Divide before subtracting k."],
    "n=28, k=5, padding=2: 26 vs 28; padding=0 agrees.")
add("cnn", "max_pool2d", "stride_one_default",
    "stride = stride or kernel_size", "stride = stride or 1",
    "When no stride is given it defaults to 1 instead of kernel_size, so the windows overlap.",
    "未给 stride 时默认用了 1 而不是 kernel_size，导致窗口重叠。",
    "The default stride of max pooling is the kernel size (non-overlapping windows).",
    "最大池化的默认步幅等于 kernel_size（窗口不重叠）。",
    ["Pad the input so the size divides evenly.", "Take amax over dim -1 only, not both window dims.", "Use mean instead of max."],
    "x randn(1,1,4,4), kernel 2: shape (1,1,3,3) vs (1,1,2,2); explicit stride agrees.")

# ---------------- inception
add("inception", "InceptionA", "max_pool_branch",
    "F.avg_pool2d(x, 3, stride=1, padding=1)", "F.max_pool2d(x, 3, stride=1, padding=1)",
    "The pool branch uses 3×3 max pooling instead of 3×3 average pooling before its 1×1 conv.",
    "池化分支在 1×1 卷积前用了 3×3 最大池化，而不是 3×3 平均池化。",
    "bpool is average pooling (3×3, stride 1, padding 1) followed by the 1×1 conv to 24 channels.",
    "bpool 分支是平均池化（3×3，步幅 1，填充 1），然后 1×1 卷积到 24 通道。",
    ["Concatenate along dim 0.", "Add a ReLU after each branch.", "Use padding 2 on the 3×3 convs."],
    "same state_dict, x randn(2,3,8,8): channels 64..87 differ, 0..63 equal.")
add("inception", "InceptionA", "cat_order",
    "torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)", "torch.cat([b1x1, b3x3, b5x5, bpool], dim=1)",
    "The branch outputs are concatenated in the wrong order (3×3 before 5×5), so channels 16..63 are swapped.",
    "分支拼接顺序错了（3×3 在 5×5 之前），16..63 号通道被调换。",
    "Concatenate in the order b1x1, b5x5, b3x3, bpool along dim 1.",
    "按 b1x1、b5x5、b3x3、bpool 的顺序沿 dim 1 拼接。",
    ["Use avg_pool2d with count_include_pad=False.", "Change the 5×5 padding to 1.", "Concatenate along dim 2."],
    "same state_dict, x randn(2,3,8,8): shape equal (2,88,8,8) but channels 16..63 differ.")
add("inception", "conv_mults", "no_cin",
    "return k * k * c_in * c_out * h * w", "return k * k * c_out * h * w",
    "The input channels are left out of the count; each output value needs k·k·c_in multiplications.",
    "计数漏掉了输入通道数；每个输出值需要 k·k·c_in 次乘法。",
    "Count k·k·c_in multiplications per output element, times c_out·h·w output elements.",
    "每个输出元素需要 k·k·c_in 次乘法，再乘以 c_out·h·w 个输出元素。",
    ["Add the bias additions.", "Use the input size instead of the output size.", "Divide by the stride squared."],
    "conv_mults(28,28,192,32,5): 627200 vs 120422400.")
add("inception", "GoogLeNetMini", "missing_relu",
    "x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))", "x = self.incep2(F.max_pool2d(self.conv2(x), 2))",
    "The ReLU after the second conv and pool is left out, so the second stage is linear.",
    "第二个卷积+池化之后漏掉了 ReLU，第二阶段变成了线性的。",
    "Apply ReLU after each conv → max-pool stage (both times) before the Inception module.",
    "每个 卷积→最大池化 阶段之后（两次都要）先做 ReLU，再进入 Inception 模块。",
    ["Compute the linear size by a dry run.", "Use padding 2 in the 5×5 convs.", "Change conv2's input channels to 88."],
    "same state_dict, x randn(2,1,28,28): logits differ; shape (2,10) equal.")

# ---------------- resnet
add("resnet", "ResidualBlock", "no_shortcut",
    "return F.relu(x + self.conv2(F.relu(self.conv1(x))))", "return F.relu(self.conv2(F.relu(self.conv1(x))))",
    "The skip connection is missing: x is not added to conv2's output before the final ReLU.",
    "缺少跳跃连接：在最后的 ReLU 之前没有把 x 加到 conv2 的输出上。",
    "Add the input back: y = relu(x + conv2(relu(conv1(x)))).",
    "把输入加回去：y = relu(x + conv2(relu(conv1(x))))。",
    ["Use padding 1 so the shape is kept.", "Remove the bias from the convolutions.", "Apply ReLU after the addition only."],
    "same state_dict, x randn(2,4,6,6): outputs differ; zero conv weights give 0 vs relu(x).")
add("resnet", "batch_norm", "biased_running_var",
    "running_var.mul_(1 - momentum).add_(momentum * var * count / (count - 1))",
    "running_var.mul_(1 - momentum).add_(momentum * var)",
    "The running variance is updated with the biased batch variance instead of the unbiased one (n − 1).",
    "running_var 用有偏的批方差更新，而不是用无偏方差（除以 n − 1）。",
    "Update running_var with the unbiased variance: σ²·n/(n − 1), n being the count per channel.",
    "更新 running_var 时用无偏方差：σ²·n/(n − 1)，n 为每个通道的元素数。",
    ["Normalise with the unbiased variance too.", "Update running_mean with momentum·running_mean.", "Detach the batch mean from the graph."],
    "x randn(4,3), training: y equal but running_var differs from F.batch_norm's (factor 4/3 on the new part).")
add("resnet", "batch_norm", "eps_outside_sqrt",
    "torch.sqrt(var.reshape(shape) + eps)", "(torch.sqrt(var.reshape(shape)) + eps)",
    "eps is added after the square root (√σ² + eps) instead of inside it (√(σ² + eps)).",
    "eps 加在了平方根外面（√σ² + eps），而不是里面（√(σ² + eps)）。",
    "Divide by sqrt(var + eps): eps goes inside the square root.",
    "除以 sqrt(var + eps)：eps 要放在平方根里面。",
    ["Use the unbiased variance to normalise.", "Compute the mean over dim 1.", "Update running stats in eval mode."],
    "x = 1e-3*randn(8,3) training: y is about 3.2x F.batch_norm's output (var ~1e-6 is comparable to eps).")
add("resnet", "BasicBlock", "relu_before_add",
    "return F.relu(main + self.shortcut(x))", "return F.relu(main) + self.shortcut(x)",
    "The ReLU is applied to the main path before adding the shortcut instead of to the sum.",
    "ReLU 作用在了主路径上、再加捷径，而不是作用在两者之和上。",
    "Add main and shortcut first, then apply ReLU: relu(main + shortcut(x)).",
    "先把主路径和捷径相加，再做 ReLU：relu(main + shortcut(x))。",
    ["Use a 1×1 projection whenever stride is 1.", "Add bias to the convolutions.", "Put BatchNorm after the ReLU."],
    "same state_dict, BasicBlock(4,8,2) x randn(2,4,6,6): outputs have negatives, differ from reference.")

# ---------------- rnn
add("rnn", "rnn_cell", "untransposed",
    "return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)", "return torch.tanh(x @ w_ih + b_ih + h @ w_hh + b_hh)",
    "The weight matrices are used without transposing (x·W instead of x·Wᵀ); this only runs when the shapes happen to be square and then gives wrong values.",
    "权重矩阵没有转置（x·W 而不是 x·Wᵀ）；只有形状恰好为方阵时才能运行，而且结果是错的。",
    "nn.RNNCell stores W_ih as (hidden, input_size): multiply by its transpose, x @ w_ih.T.",
    "nn.RNNCell 的 W_ih 形状是 (hidden, input_size)：要乘它的转置 x @ w_ih.T。",
    ["Use sigmoid instead of tanh.", "Add only one of the two biases.", "Concatenate x and h before multiplying."],
    "input_size = hidden = 4, random weights: differs from nn.RNNCell.")
add("rnn", "rnn_forward", "h0_layer0",
    "h, steps = h0[layer], []", "h, steps = h0[0], []",
    "Every layer starts from layer 0's initial state h0[0] instead of its own h0[layer].",
    "每一层都从第 0 层的初始状态 h0[0] 开始，而不是各自的 h0[layer]。",
    "Start layer l from h0[l]: each layer has its own initial hidden state.",
    "第 l 层从 h0[l] 开始：每一层有自己的初始隐藏状态。",
    ["Feed x, not the previous layer's outputs, into every layer.", "Return only the last layer's h as h_n.", "Transpose x to batch-first."],
    "2-layer nn.RNN, random h0: output and h_n[1] differ; single layer or h0=0 agree.")
add("rnn", "encode_chars", "start_one",
    "position = {c: i for i, c in enumerate(vocab)}", "position = {c: i for i, c in enumerate(vocab, start=1)}",
    "Positions are counted from 1 instead of 0.",
    "位置从 1 开始计数，而不是从 0。",
    "Use 0-based positions: the first vocabulary character has index 0.",
    "用从 0 开始的位置：词表第一个字符的下标是 0。",
    ["Sort the vocabulary first.", "Return int32.", "Use text.index(c) instead of the vocabulary."],
    'encode_chars("hello","ehlo"): [2,1,3,3,4] vs [1,0,2,2,3].')
add("rnn", "gru_cell", "swap_z",
    "return (1 - z) * n + z * h", "return z * n + (1 - z) * h",
    "The update gate is applied the wrong way round: z weights the new state n and 1 − z the old h.",
    "更新门用反了：z 乘了新状态 n，1 − z 乘了旧的 h。",
    "h' = (1 − z)·n + z·h: z keeps the old hidden state, 1 − z lets in the candidate.",
    "h' = (1 − z)·n + z·h：z 保留旧的隐藏状态，1 − z 引入候选值。",
    ["Apply r after the hidden matmul bias, not before.", "Chunk the gates in the order z, r, n.", "Use tanh for the update gate."],
    "random weights batch 2 hidden 3: differs from nn.GRUCell.")

assert len(M) == 36, len(M)
labels = []
for m in M:
    text = (SOL / f"{m['topic']}.py").read_text()
    assert text.count(m["old"]) == 1, (m["file"], text.count(m["old"]))
    text = text.replace(m["old"], m["new"])
    first = text.splitlines()[0]
    text = text.replace(first, first.split(" — ")[0] + ' — my attempt."""', 1)
    assert "solutions" not in text
    (OUT / m["file"]).write_text(text)
    labels.append({k: m[k] for k in ("file", "topic", "exercise", "cause", "cause_zh", "fits", "fits_zh", "misleading", "witness")})
(OUT / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1))
print("wrote", len(labels))
