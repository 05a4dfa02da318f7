from mk_partial import build

R = {}

R["65_real_inception_lovelysimon"] = ("inception", {"InceptionA": '''
# Source: LovelySimon/DeepLearning:GoogleNet.py (pasted as found)
class InceptionA(torch.nn.Module):
    def __init__(self, in_channels):
        super(InceptionA, self).__init__()
        # 1x1块
        self.branch1x1 = torch.nn.Conv2d(in_channels, 16, kernel_size=1)
        # 5x5块
        self.branch5x5_1 = torch.nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = torch.nn.Conv2d(16, 24, kernel_size=5, padding=2)
        # 3x3块
        self.branch3x3_1 = torch.nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = torch.nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = torch.nn.Conv2d(24, 24, kernel_size=3, padding=1)
        # 池化块
        self.branch_pool = torch.nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x):
        branch1x1 = self.branch1x1(x)

        branch5x5 = self.branch5x5_1(x)
        branch5x5 = self.branch5x5_2(branch5x5)

        branch3x3 = self.branch3x3_1(x)
        branch3x3 = self.branch3x3_2(branch3x3)
        branch3x3 = self.branch3x3_3(branch3x3)

        branch_pool = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        branch_pool = self.branch_pool(branch_pool)

        outputs = [branch1x1, branch3x3, branch5x5, branch_pool]
        return torch.cat(outputs, dim=1)  # 将卷积结果按照通道维度进行拼接
'''}, "import torch.nn.functional as F\n", "LovelySimon/DeepLearning:GoogleNet.py", False,
 "concatenates [b1x1, b3x3, b5x5, bpool]: the 3x3 and 5x5 branches are swapped against the docstring's order")

R["66_real_cnn_corr2d_d2l"] = ("cnn", {"corr2d": '''
# Source: molimi/learing-note:2022/d2l/src/ex001.py (d2l 6.2, pasted as found; only the name glue)
def corr2d(X, K):
    """计算二维卷积相关运算"""
    h, w= K.shape
    Y = torch.zeros((X.shape[0]-h+1, X.shape[1]-w+1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i+h, j:j+w]*K).sum()
    return Y
'''}, "", "molimi/learing-note:2022/d2l/src/ex001.py", False,
 "Y = torch.zeros(...) is float32 on the CPU: float64 inputs come back float32 (docstring: x's dtype), and another device's input gets a CPU result")

R["67_real_autograd_micrograd"] = ("autograd", {"Value": '''
# Source: karpathy/micrograd:micrograd/engine.py (pasted as found)
class Value:
    """ stores a single scalar value and its gradient """

    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0
        # internal variables used for autograd graph construction
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op # the op that produced this node, for graphviz / debugging / etc

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward

        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward

        return out

    def __pow__(self, other):
        if isinstance(other, (int, float)):
            out = Value(self.data**other, (self,), f'**{other}')

            def _backward():
                self.grad += (other * self.data**(other-1)) * out.grad
            out._backward = _backward
        else:
            out = Value(self.data**other.data, (self, other), f'**{other}')

            def _backward():
                self.grad += (other.data * self.data**(other.data-1)) * out.grad
                other.grad += (self.data**other.data) * math.log(self.data) * out.grad
            out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward

        return out

    def backward(self):

        # topological order all of the children in the graph
        topo = []
        visited = set()
        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)

        # go one variable at a time and apply the chain rule to get its gradient
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self): # -self
        return self * -1

    def __radd__(self, other): # other + self
        return self + other

    def __sub__(self, other): # self - other
        return self + (-other)

    def __rsub__(self, other): # other - self
        return other + (-self)

    def __rmul__(self, other): # other * self
        return self * other

    def __truediv__(self, other): # self / other
        return self * other**-1

    def __rtruediv__(self, other): # other / self
        return other * self**-1

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
'''}, "", "karpathy/micrograd:micrograd/engine.py", False,
 "no tanh() or exp(); Value(2).data stays the int 2 and grad starts as the int 0; recursive build_topo (the docstring warns of 500-deep graphs)")

R["68_real_resnet_residualblock"] = ("resnet", {"ResidualBlock": '''
# Source: WallofWonder/pytorch-demo:residual/residualblock.py (pasted as found)
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv1(x)
        y = F.relu(y)
        y = self.conv2(y)
        return F.relu(x + y)
'''}, "", "WallofWonder/pytorch-demo:residual/residualblock.py", True, "")

R["69_real_mlp_myrelu_tutorial"] = ("mlp", {"relu": '''
# Source: qpzm/pytorch-tutorials:PyTorchExamples/MyReLU.py (the PyTorch tutorial's MyReLU, as found)
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        # Why input not grad_input?
        grad_input[input < 0] = 0
        return grad_input


def relu(x: Tensor) -> Tensor:
    return MyReLU.apply(x)
'''}, "", "qpzm/pytorch-tutorials:PyTorchExamples/MyReLU.py", True, "")

R["70_real_losses_softmax_d2l"] = ("losses", {"softmax": '''
# Source: jasonmeverett/ml-playground:src/jevml/utils.py (d2l 3.6 softmax, pasted as found)
def d2l_softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return d2l_softmax(x)
'''}, "", "jasonmeverett/ml-playground:src/jevml/utils.py", False,
 "no max subtraction (inf/NaN at logits of ±1000) and always sums over dim 1, whatever dim says")

R["71_real_rnn_gru_temp"] = ("rnn", {"gru_cell": '''
# Source: JiapengWu/TeMP:baselines/custom_gru.py (pasted as found; the signature already matches)
def gru_cell(input, hidden, w_ih, w_hh, b_ih, b_hh):
    gi = torch.mm(input, w_ih.t()) + b_ih
    gh = torch.mm(hidden, w_hh.t()) + b_hh
    i_r, i_i, i_n = gi.chunk(3, 1)
    h_r, h_i, h_n = gh.chunk(3, 1)

    resetgate = torch.sigmoid(i_r + h_r)
    inputgate = torch.sigmoid(i_i + h_i)
    newgate = torch.tanh(i_n + resetgate * h_n)
    hy = newgate + inputgate * (hidden - newgate)

    return hy
'''}, "", "JiapengWu/TeMP:baselines/custom_gru.py", True, "")

R["72_real_rnn_hello_liuer"] = ("rnn", {"HelloRNN": '''
# Source: jobsfan/pytorch:liuer/12-5.py (刘二大人 lecture 12, Embedding + RNN). Glue: the module-level
# constants became constructor arguments; the class renamed HelloRNN.
class HelloRNN(torch.nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super(HelloRNN, self).__init__()
        num_class = input_size = vocab_size
        embedding_size = embed_dim if embed_dim is not None else 10
        num_layers = 2
        self.num_class, self.hidden_size, self.num_layers = num_class, hidden_size, num_layers
        self.emb = torch.nn.Embedding(input_size, embedding_size)
        self.rnn = torch.nn.RNN(input_size=embedding_size, hidden_size=hidden_size, num_layers=num_layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, num_class)

    def forward(self, x):
        hidden = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        x = self.emb(x)  # (batch, seqlen, embeddingsize)
        x, _ = self.rnn(x, hidden)
        x = self.fc(x)
        return x.view(-1, self.num_class)
'''}, "", "jobsfan/pytorch:liuer/12-5.py", False,
 "batch-first input and a flattened (batch·seq, vocab) output where the docstring has seq-first (seq_len, batch, vocab); always an embedding even when embed_dim is None; hidden state created on the CPU")

R["73_real_resnet_batchnorm_d2l"] = ("resnet", {"batch_norm": '''
# Source: junliu-cn/junliu-cn.github.io:_posts/2023-10-13-Batchnorm-Implementation.md (d2l 7.5, as found)
def d2l_batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    # 通过is_grad_enabled来判断当前模式是训练模式还是预测模式
    if not torch.is_grad_enabled():
        # 如果是在预测模式下，直接使用传入的移动平均所得的均值和方差
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            # 使用全连接层的情况，计算特征维上的均值和方差
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            # 使用二维卷积层的情况，计算通道维上（axis=1）的均值和方差。
            # 这里我们需要保持X的形状以便后面可以做广播运算
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        # 训练模式下，用当前的均值和方差做标准化
        X_hat = (X - mean) / torch.sqrt(var + eps)
        # 更新移动平均的均值和方差
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta  # 缩放和移位
    return Y, moving_mean.data, moving_var.data


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    # glue: d2l keeps its parameters in the broadcast shape (1, C) / (1, C, 1, 1)
    shape = (1, -1) if x.dim() == 2 else (1, -1, 1, 1)
    Y, _, _ = d2l_batch_norm(x, gamma.reshape(shape), beta.reshape(shape), running_mean.reshape(shape),
                             running_var.reshape(shape), eps, momentum)
    return Y
'''}, "", "junliu-cn/junliu-cn.github.io:_posts/2023-10-13-Batchnorm-Implementation.md", False,
 "mode taken from torch.is_grad_enabled() instead of training; running statistics returned, never updated in place; d2l's momentum convention (momentum·old) and the biased variance in the running update")

R["74_real_mlp_dropout_d2l"] = ("mlp", {"dropout": '''
# Source: yhwlp0711/DL:MLP/dropOut.py (d2l 4.6 dropout_layer, as found). Glue: the training flag.
def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    return dropout_layer(x, p)
'''}, "", "yhwlp0711/DL:MLP/dropOut.py", False,
 "the mask is drawn with torch.rand(X.shape) on the CPU (wrong device for a GPU input) and cast .float(), so float16 inputs come back float32")

R["75_real_tensors_accuracy_d2l"] = ("tensors", {"accuracy": '''
# Source: kaddly/GraphNeuralNetwork:HAN/train_utils/scale_utils.py (d2l's accuracy, as found)
def accuracy(y_hat, y):
    """Compute the number of correct predictions.

    Defined in :numref:`sec_softmax_scratch`"""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = torch.argmax(y_hat, axis=1)
    cmp = y_hat.to(dtype=y.dtype) == y
    cmp = cmp.to(dtype=y.dtype)
    return float(cmp.sum()) / len(cmp)
'''}, "", "kaddly/GraphNeuralNetwork:HAN/train_utils/scale_utils.py", True, "")

R["76_real_optim_gd_liuer"] = ("optim", {"gd_fit": '''
# Source: gushi4421/Pytorch--learning-notes:梯度下降/GD.py (刘二大人 lecture 3). Glue: the script's globals
# (x_data, y_data, w, rate, epochs) became gd_fit's arguments and locals; the printed costs are returned.
def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    x_data, y_data = x.tolist(), y.tolist()
    w = 1.0
    rate = lr

    def forward(x):
        return x * w

    def cost(xs, ys):
        cost = 0
        for x, y in zip(xs, ys):
            y_pred = forward(x)
            cost += (y_pred - y) ** 2
        return cost / len(xs)

    def gradient(xs, ys):
        grad = 0
        for x, y in zip(xs, ys):
            grad += 2 * x * (x * w - y)
        return grad / len(xs)

    costs = []
    for epoch in range(1, steps + 1):
        cost_val = cost(x_data, y_data)
        grad_val = gradient(x_data, y_data)
        w -= rate * grad_val
        costs.append(cost_val)
    return w, costs
'''}, "", "gushi4421/Pytorch--learning-notes:梯度下降/GD.py", True, "")

R["77_real_resnet_basicblock_d2l"] = ("resnet", {"BasicBlock": '''
# Source: SecondOccurrence/Chess-Neural-Network:src/model/residual.py (d2l 8.6 Residual, as found).
# Glue: BasicBlock(in, out, stride) builds Residual(out, use_1x1conv=<shape changes>, strides=stride).
class Residual(nn.Module):
  def __init__(self, num_channels, use_1x1conv=False, strides=1):
    super().__init__()
    self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
    self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
    if use_1x1conv:
      self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides)
    else:
      self.conv3 = None
    self.bn1 = nn.LazyBatchNorm2d()
    self.bn2 = nn.LazyBatchNorm2d()

  def forward(self, X):
    Y = F.relu(self.bn1(self.conv1(X)))
    Y = self.bn2(self.conv2(Y))
    if self.conv3:
      X = self.conv3(X)
    Y += X
    return F.relu(Y)


class BasicBlock(Residual):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__(out_channels, use_1x1conv=(stride != 1 or in_channels != out_channels), strides=stride)
'''}, "", "SecondOccurrence/Chess-Neural-Network:src/model/residual.py", False,
 "convolutions keep their bias (docstring: no bias); the projection shortcut has no BatchNorm; lazy layers have no shapes until the first forward")

R["78_real_optim_dataset_liuer"] = ("optim", {"DiabetesDataset": '''
# Source: jobsfan/pytorch:liuer/8.py (刘二大人 lecture 8, as found)
class DiabetesDataset(Dataset):
    def __init__(self,filepath):
        xy = np.loadtxt(filepath,delimiter=',',dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:,:-1])
        self.y_data = torch.from_numpy(xy[:,[-1]])


    def __getitem__(self, index):
        return self.x_data[index],self.y_data[index]

    def __len__(self):
        return self.len
'''}, "from torch.utils.data import Dataset\n", "jobsfan/pytorch:liuer/8.py", True, "")

R["79_real_losses_sigmoid_clip"] = ("losses", {"sigmoid": '''
# Source: krrn0722/wake_sleep:functions.py (sigmoid_tensor, as found; the second return is dead code there too)
def sigmoid_tensor(x):
    x = torch.clip(x, -500, 500)
    return 1 / (1 + torch.exp(-x))
    return torch.exp(torch.minimum(x, torch.zeros_like(x))) / (1 + torch.exp(- torch.abs(x)))


def sigmoid(x: Tensor) -> Tensor:
    return sigmoid_tensor(x)
'''}, "", "krrn0722/wake_sleep:functions.py", False,
 "clips x to ±500, so float64 tails are wrong (σ(−700) comes out as σ(−500)); the gradient is 0 beyond the clip")

R["80_real_mlp_logreg_liuer"] = ("mlp", {"LogisticRegression": '''
# Source: jobsfan/pytorch:liuer/6.py (刘二大人 lecture 6 LogisticRegressionModel). Glue: in_features for
# the hard-coded Linear(1, 1), the class renamed LogisticRegression.
class LogisticRegression(torch.nn.Module):
    def __init__(self, in_features=1):
        super(LogisticRegression,self).__init__()
        self.linear = torch.nn.Linear(in_features,1)

    def forward(self,x):
        y_pred = F.sigmoid(self.linear(x))
        return y_pred
'''}, "import torch.nn.functional as F\n", "jobsfan/pytorch:liuer/6.py", True, "")

R["81_real_optim_sgd_zero2all"] = ("optim", {"sgd_fit": '''
# Source: tuhoag/pytorch-zero2all:3_manual_gradient.py (per-sample updates, as found). Glue: w, the data and
# lr as arguments; the docstring's randperm order per epoch; the epoch's MSE recorded instead of printed.
def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    x_data, y_data = x.tolist(), y.tolist()
    w = 1.0

    def forward(x):
        return x * w

    def loss(x, y):
        y_pred = forward(x)

        return (y_pred - y) * (y_pred - y)

    def gradient(x, y):
        return 2 * x * (x * w - y)

    history = []
    for epoch in range(epochs):
        for i in torch.randperm(len(x_data), generator=generator).tolist():
            x_val, y_val = x_data[i], y_data[i]
            grad = gradient(x_val, y_val)
            w = w - lr * grad
        history.append(sum(loss(a, b) for a, b in zip(x_data, y_data)) / len(x_data))
    return w, history
'''}, "", "tuhoag/pytorch-zero2all:3_manual_gradient.py", True, "")

if __name__ == "__main__":
    for d, (topic, repl, imports, src, keeps, why) in R.items():
        build(topic, f"{d}/{topic}.py", repl, imports)
    print(len(R), "real programs built")
