/**
 * Kernel idioms behind false alarms judged on whole files of Linux 6.1 (stop 29), each next to
 * the bug of the same shape that must still be caught: an RPC task set up by a helper that puts
 * the calldata into its struct rpc_task_setup, and debugfs' proxy fops installed in the file.
 */
import { memLeak } from '../../src/rules/mem-leak.js';
import { ruleTester } from '../helpers/rule-tester.js';

// net/sunrpc/clnt.c rpc_clnt_test_and_add_xprt(), rpcb_clnt.c rpcb_getport_async(): the helper
// puts the calldata in the task setup it gives rpc_run_task(), which releases the calldata through
// the ops' rpc_release even when it cannot start the task.
const rpcHelper = (setup: string) => `static struct rpc_task *foo_call_null_helper(struct rpc_clnt *clnt, const struct rpc_call_ops *ops, void *data)
{
	struct rpc_message msg = {
		.rpc_proc = &foo_procedures[FOOPROC_NULL],
	};
	struct rpc_task_setup task_setup_data = {
		.rpc_client = clnt,
		.rpc_message = &msg,
		.callback_ops = ops,
${setup}		.flags = RPC_TASK_ASYNC | RPC_TASK_SOFT,
	};

	return rpc_run_task(&task_setup_data);
}

int foo_test_and_add_xprt(struct rpc_clnt *clnt, struct rpc_xprt *xprt)
{
	struct foo_add_xprt_data *data;
	struct rpc_task *task;

	data = kmalloc(sizeof(*data), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	data->xprt = xprt_get(xprt);
	if (foo_has_addr(clnt, xprt)) {
		xprt_put(data->xprt);
		kfree(data);
		return 1;
	}

	task = foo_call_null_helper(clnt, &foo_add_xprt_call_ops, data);
	if (IS_ERR(task))
		return PTR_ERR(task); /* cut */

	rpc_put_task(task);
	return 1;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'the helper gives the calldata to rpc_run_task() in its task setup', path: 'net/sunrpc/foo.c', code: rpcHelper('\t\t.callback_data = data,\n').replace(' /* cut */', '') }],
  invalid: [{ name: 'a helper that starts the task without the calldata', path: 'net/sunrpc/foo.c', code: rpcHelper('\t\t.callback_data = NULL,\n').replace('/* cut */', '/* expect: mem-leak "data" */') }],
});

// fs/debugfs/file.c full_proxy_open(): replace_fops() installs the proxy as the file's f_op; the
// file's ->release frees it. Only the paths that put the real fops back free it themselves.
const proxyOpen = (install: string) => `static int foo_proxy_open(struct inode *inode, struct file *filp)
{
	const struct file_operations *real_fops = foo_real_fops(filp);
	struct file_operations *proxy_fops;
	int r;

	proxy_fops = kzalloc(sizeof(*proxy_fops), GFP_KERNEL);
	if (!proxy_fops)
		return -ENOMEM;
	foo_proxy_fops_init(proxy_fops, real_fops);
${install}
	if (real_fops->open) {
		r = real_fops->open(inode, filp);
		if (r) {
			replace_fops(filp, real_fops);
			goto free_proxy;
		} else if (filp->f_op != proxy_fops) {
			/* the open replaced the proxy: nothing protects the file any more */
			goto free_proxy;
		}
	}
	r = 0;
	goto out; /* cut */

free_proxy:
	kfree(proxy_fops);
out:
	return r;
}
`;

ruleTester(memLeak, {
  valid: [{ name: 'replace_fops() makes the proxy the file\'s f_op (full_proxy_open())', path: 'fs/foo/file.c', code: proxyOpen('\treplace_fops(filp, proxy_fops);').replace(' /* cut */', '') }],
  invalid: [{ name: 'the proxy is set up and never installed', path: 'fs/foo/file.c', code: proxyOpen('\tfilp->private_data = NULL;').replace('/* cut */', '/* expect: mem-leak "proxy_fops" */') }],
});

