<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
    <context>
        <name>AddUserDialog</name>
        <message>
            <source>添加用户</source>
            <translation>Add user</translation>
        </message>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>姓名（可选）</source>
            <translation>Name (optional)</translation>
        </message>
        <message>
            <source>角色</source>
            <translation>Role</translation>
        </message>
        <message>
            <source>请填写用户名</source>
            <translation>Enter a user name</translation>
        </message>
    </context>
    <context>
        <name>AdminPage</name>
        <message>
            <source>管理员账户</source>
            <translation>Administrator account</translation>
        </message>
        <message>
            <source>管理员负责添加用户和修改站点设置。每位工作人员以后都有自己的账户。</source>
            <translation>The administrator adds users and changes station settings. Every staff member later gets an account of their own.</translation>
        </message>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>再次输入密码</source>
            <translation>Password again</translation>
        </message>
        <message>
            <source>密码至少 {n} 个字符。请勿使用生日或手机号。</source>
            <translation>At least {n} characters. Do not use a birthday or a phone number.</translation>
        </message>
        <message>
            <source>用户名须为 2–32 个字母、数字、汉字或 _.-</source>
            <translation>A user name is 2–32 letters, digits, Chinese characters or _.-</translation>
        </message>
        <message>
            <source>密码至少需要 {n} 个字符</source>
            <translation>A password needs at least {n} characters</translation>
        </message>
        <message>
            <source>两次输入的密码不一致</source>
            <translation>The two passwords differ</translation>
        </message>
    </context>
    <context>
        <name>AdminWorkspace</name>
        <message>
            <source>用户与角色</source>
            <translation>Users and roles</translation>
        </message>
        <message>
            <source>站点设置</source>
            <translation>Station settings</translation>
        </message>
        <message>
            <source>信任材料</source>
            <translation>Trust material</translation>
        </message>
        <message>
            <source>数据同步</source>
            <translation>Sync</translation>
        </message>
        <message>
            <source>站点管理</source>
            <translation>Administration</translation>
        </message>
    </context>
    <context>
        <name>AidPanel</name>
        <message>
            <source>救助请求</source>
            <translation>Aid requests</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>紧急</source>
            <translation>Urgency</translation>
        </message>
        <message>
            <source>内容</source>
            <translation>Details</translation>
        </message>
        <message>
            <source>期限</source>
            <translation>Due</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>State</translation>
        </message>
        <message>
            <source>（超期）</source>
            <translation> (overdue)</translation>
        </message>
        <message>
            <source>负责人</source>
            <translation>Assignee</translation>
        </message>
        <message>
            <source>新建救助 (Ctrl+J)</source>
            <translation>New aid request (Ctrl+J)</translation>
        </message>
        <message>
            <source>负责人（分派时必填）</source>
            <translation>Assignee (required to assign)</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>分派(&amp;A)</source>
            <translation>&amp;Assign</translation>
        </message>
        <message>
            <source>已送达(&amp;D)</source>
            <translation>&amp;Delivered</translation>
        </message>
        <message>
            <source>办结(&amp;C)</source>
            <translation>&amp;Close</translation>
        </message>
        <message>
            <source>取消(&amp;X)</source>
            <translation>Ca&amp;ncel</translation>
        </message>
        <message>
            <source>退回待处理</source>
            <translation>Back to open</translation>
        </message>
    </context>
    <context>
        <name>AidRequestDialog</name>
        <message>
            <source>新建救助请求</source>
            <translation>New aid request</translation>
        </message>
        <message>
            <source>类别(&amp;C)</source>
            <translation>&amp;Category</translation>
        </message>
        <message>
            <source>紧急程度(&amp;U)</source>
            <translation>&amp;Urgency</translation>
        </message>
        <message>
            <source>内容(&amp;D)</source>
            <translation>&amp;Details</translation>
        </message>
        <message>
            <source>办理期限(&amp;T)</source>
            <translation>Due by (&amp;T)</translation>
        </message>
    </context>
    <context>
        <name>CaseTable</name>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>证件号</source>
            <translation>ID number</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>方式</source>
            <translation>Type</translation>
        </message>
        <message>
            <source>原因</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>计划解除</source>
            <translation>Planned end</translation>
        </message>
        <message>
            <source>今日监测</source>
            <translation>Today&apos;s checks</translation>
        </message>
        <message>
            <source>救助</source>
            <translation>Aid</translation>
        </message>
        <message>
            <source>{n} 件办理中</source>
            <translation>{n} open</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>State</translation>
        </message>
        <message>
            <source>{n} 件超期</source>
            <translation>{n} overdue</translation>
        </message>
    </context>
    <context>
        <name>CasesWorkspace</name>
        <message>
            <source>当前用户无权查看隔离与救助信息。</source>
            <translation>This user may not see isolation and aid.</translation>
        </message>
        <message>
            <source>隔离与救助</source>
            <translation>Isolation and aid</translation>
        </message>
        <message>
            <source>在管对象</source>
            <translation>Under care</translation>
        </message>
        <message>
            <source>今日待监测</source>
            <translation>Checks due today</translation>
        </message>
        <message>
            <source>救助超期</source>
            <translation>Aid overdue</translation>
        </message>
        <message>
            <source>已解除/转院</source>
            <translation>Released/transferred</translation>
        </message>
        <message>
            <source>全部</source>
            <translation>All</translation>
        </message>
        <message>
            <source>全部网格</source>
            <translation>All grids</translation>
        </message>
        <message>
            <source>登记隔离对象 (Ctrl+N)</source>
            <translation>Register a case (Ctrl+N)</translation>
        </message>
        <message>
            <source>筛选(&amp;F)</source>
            <translation>&amp;Filter</translation>
        </message>
        <message>
            <source>转院(&amp;Y)</source>
            <translation>Transfer to h&amp;ospital</translation>
        </message>
        <message>
            <source>该对象</source>
            <translation>this person</translation>
        </message>
        <message>
            <source>结束隔离</source>
            <translation>End isolation</translation>
        </message>
        <message>
            <source>说明（转院时填写医院）</source>
            <translation>Note (the hospital when transferring)</translation>
        </message>
        <message>
            <source>解除隔离(&amp;R)</source>
            <translation>&amp;Release</translation>
        </message>
        <message>
            <source>共 {n} 人</source>
            <translation>{n} people</translation>
        </message>
        <message>
            <source>请在左侧选择隔离对象</source>
            <translation>Choose a case on the left</translation>
        </message>
        <message>
            <source>{name}&#x3000;{kind}&#x3000;{start} 至 {end}</source>
            <translation>{name}  {kind}  {start} to {end}</translation>
        </message>
        <message>
            <source>体温格式不正确，例如 36.5</source>
            <translation>Temperature not understood, e.g. 36.5</translation>
        </message>
        <message>
            <source>转院时请填写医院名称</source>
            <translation>Give the hospital&apos;s name for a transfer</translation>
        </message>
    </context>
    <context>
        <name>CheckpointWorkspace</name>
        <message>
            <source>无码人员：身份证号 (F6)</source>
            <translation>No code: ID number (F6)</translation>
        </message>
        <message>
            <source>无码人员：输入身份证号后按 Enter 查询状态名单 (F6)</source>
            <translation>No code: type the ID number and press Enter to look it up on the status list (F6)</translation>
        </message>
        <message>
            <source>查询名单</source>
            <translation>Look up</translation>
        </message>
        <message>
            <source>无码无证件 (F8)</source>
            <translation>No code, no ID (F8)</translation>
        </message>
        <message>
            <source>按修复后的内容核验</source>
            <translation>Verify the repaired text</translation>
        </message>
        <message>
            <source>今日统计</source>
            <translation>Today</translation>
        </message>
        <message>
            <source>最近登记</source>
            <translation>Recent screenings</translation>
        </message>
        <message>
            <source>卡口筛查</source>
            <translation>Checkpoint</translation>
        </message>
        <message>
            <source>当前用户无权登记筛查，请由网格员登录。</source>
            <translation>This user may not record screenings; a grid worker should sign in.</translation>
        </message>
        <message>
            <source>本机未配置摄像头，可使用扫码枪或输入身份证号</source>
            <translation>No camera on this PC: use a handheld scanner or type the ID number</translation>
        </message>
        <message>
            <source>已扫到下一个码：请先按 Enter 保存或按 Esc 清除当前记录</source>
            <translation>Next code scanned: first press Enter to save or Esc to clear the current entry</translation>
        </message>
        <message>
            <source>请先按 Enter 保存或按 Esc 清除当前记录</source>
            <translation>First press Enter to save or Esc to clear the current entry</translation>
        </message>
        <message>
            <source>扫码枪输入有误</source>
            <translation>Scanner input garbled</translation>
        </message>
        <message>
            <source>体温格式不正确，例如 36.5</source>
            <translation>Temperature not understood, e.g. 36.5</translation>
        </message>
        <message>
            <source>需要人工核验：请选择处置结果并填写理由</source>
            <translation>Manual check needed: choose a decision and give a reason</translation>
        </message>
        <message>
            <source>共 {total} 人 · 放行 {p} · 劝返 {r} · 转诊 {f} · 上报 {n} · 发热 {fv} · 重复 {d}</source>
            <translation>{total} people · passed {p} · refused {r} · referred {f} · notified {n} · fever {fv} · repeats {d}</translation>
        </message>
        <message>
            <source>上一条筛查记录已保存</source>
            <translation>The previous screening was saved</translation>
        </message>
    </context>
    <context>
        <name>CreatePage</name>
        <message>
            <source>正在创建站点</source>
            <translation>Creating the station</translation>
        </message>
        <message>
            <source>正在生成密钥并加密数据库，请稍候…</source>
            <translation>Generating keys and encrypting the database, please wait…</translation>
        </message>
        <message>
            <source>站点已创建。下一步将显示恢复码，请准备纸笔。</source>
            <translation>The station is created. The next page shows the recovery code: have pen and paper ready.</translation>
        </message>
        <message>
            <source>创建失败，详情已记录在日志中</source>
            <translation>Creating failed; the details are in the log</translation>
        </message>
        <message>
            <source>请返回修改后重试。</source>
            <translation>Go back, correct and try again.</translation>
        </message>
    </context>
    <context>
        <name>EndCaseDialog</name>
        <message>
            <source>确认转院</source>
            <translation>Confirm transfer</translation>
        </message>
        <message>
            <source>确定将 {person} 转往 {hospital} 吗？</source>
            <translation>Transfer {person} to {hospital}?</translation>
        </message>
        <message>
            <source>确认解除隔离</source>
            <translation>Confirm release</translation>
        </message>
        <message>
            <source>确定解除 {person} 的隔离吗？</source>
            <translation>Release {person} from isolation?</translation>
        </message>
        <message>
            <source>解除隔离</source>
            <translation>Release</translation>
        </message>
        <message>
            <source>结束后该对象不再列入在管名单，也不再安排每日监测。</source>
            <translation>Afterwards the person is no longer on the active list and no more daily checks are due.</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
    </context>
    <context>
        <name>HealthCheckPanel</name>
        <message>
            <source>健康监测（每日两次）</source>
            <translation>Health checks (twice a day)</translation>
        </message>
        <message>
            <source>体温，例如 36.5 (Ctrl+H)</source>
            <translation>Temperature, e.g. 36.5 (Ctrl+H)</translation>
        </message>
        <message>
            <source>症状，用逗号分隔；无则留空</source>
            <translation>Symptoms, separated by commas; empty if none</translation>
        </message>
        <message>
            <source>登记监测 (Enter)</source>
            <translation>Record check (Enter)</translation>
        </message>
        <message>
            <source>日期/时段</source>
            <translation>Date/slot</translation>
        </message>
        <message>
            <source>体温(&amp;T)</source>
            <translation>&amp;Temperature</translation>
        </message>
        <message>
            <source>症状(&amp;Z)</source>
            <translation>S&amp;ymptoms</translation>
        </message>
        <message>
            <source>情绪(&amp;M)</source>
            <translation>&amp;Mood</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>无症状</source>
            <translation>No symptoms</translation>
        </message>
    </context>
    <context>
        <name>LoginPage</name>
        <message>
            <source>已锁定</source>
            <translation>Locked</translation>
        </message>
        <message>
            <source>「{user}」的工作已保留。输入密码继续，或换用其他用户登录。</source>
            <translation>The work of &apos;{user}&apos; is kept. Enter the password to continue, or sign in as another user.</translation>
        </message>
        <message>
            <source>网格工作台</source>
            <translation>GridDesk</translation>
        </message>
        <message>
            <source>请登录</source>
            <translation>Please sign in</translation>
        </message>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>解锁</source>
            <translation>Unlock</translation>
        </message>
        <message>
            <source>登录</source>
            <translation>Sign in</translation>
        </message>
        <message>
            <source>忘记密码？用恢复码</source>
            <translation>Forgot the password? Use the recovery code</translation>
        </message>
        <message>
            <source>演示模式：以下账户仅用于体验，数据为虚构。</source>
            <translation>Demo mode: these accounts are for trying things out; all data is made up.</translation>
        </message>
        <message>
            <source>正在验证…</source>
            <translation>Checking…</translation>
        </message>
        <message>
            <source>请输入用户名和密码</source>
            <translation>Enter user name and password</translation>
        </message>
        <message>
            <source>登录失败，详情已记录在日志中</source>
            <translation>Sign-in failed; the details are in the log</translation>
        </message>
        <message>
            <source>密码已重设，请用新密码登录</source>
            <translation>Password reset; sign in with the new password</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>网格工作台</source>
            <translation>GridDesk</translation>
        </message>
        <message>
            <source>（演示）</source>
            <translation> (demo)</translation>
        </message>
        <message>
            <source>站点(&amp;S)</source>
            <translation>&amp;Station</translation>
        </message>
        <message>
            <source>锁定(&amp;L)</source>
            <translation>&amp;Lock</translation>
        </message>
        <message>
            <source>切换用户(&amp;U)</source>
            <translation>Switch &amp;user</translation>
        </message>
        <message>
            <source>退出(&amp;Q)</source>
            <translation>&amp;Quit</translation>
        </message>
        <message>
            <source>视图(&amp;V)</source>
            <translation>&amp;View</translation>
        </message>
        <message>
            <source>语言(&amp;G)</source>
            <translation>Lan&amp;guage</translation>
        </message>
        <message>
            <source>大字体(&amp;F)</source>
            <translation>Large &amp;font</translation>
        </message>
        <message>
            <source>帮助(&amp;H)</source>
            <translation>&amp;Help</translation>
        </message>
        <message>
            <source>关于网格工作台(&amp;A)</source>
            <translation>&amp;About GridDesk</translation>
        </message>
        <message>
            <source>关于网格工作台</source>
            <translation>About GridDesk</translation>
        </message>
        <message>
            <source>&lt;b&gt;网格工作台&lt;/b&gt; {version}&lt;br&gt;检查点健康码核验、隔离与救助登记、日报导出。&lt;br&gt;数据加密保存在本机，联网时同步到中心平台。&lt;br&gt;&lt;br&gt;本站：{station}</source>
            <translation>&lt;b&gt;GridDesk&lt;/b&gt; {version}&lt;br&gt;Checkpoint health-code screening, isolation and aid, daily reports.&lt;br&gt;Data is kept encrypted on this PC and synced to the central platform when online.&lt;br&gt;&lt;br&gt;Station: {station}</translation>
        </message>
    </context>
    <context>
        <name>MessageBus</name>
        <message>
            <source>已取消</source>
            <translation>Cancelled</translation>
        </message>
        <message>
            <source>程序内部错误（{kind}），已记录日志，请联系技术支持。</source>
            <translation>Internal error ({kind}); it was logged. Please contact support.</translation>
        </message>
    </context>
    <context>
        <name>PasswordDialog</name>
        <message>
            <source>重设密码：{user}</source>
            <translation>Reset password: {user}</translation>
        </message>
        <message>
            <source>新密码</source>
            <translation>New password</translation>
        </message>
        <message>
            <source>再次输入</source>
            <translation>Again</translation>
        </message>
        <message>
            <source>密码至少需要 {n} 个字符</source>
            <translation>A password needs at least {n} characters</translation>
        </message>
        <message>
            <source>两次输入的密码不一致</source>
            <translation>The two passwords differ</translation>
        </message>
    </context>
    <context>
        <name>PreparingWindow</name>
        <message>
            <source>网格工作台（演示）</source>
            <translation>GridDesk (demo)</translation>
        </message>
        <message>
            <source>正在准备演示站点：创建用户、生成一周的演示记录和演示信任材料…</source>
            <translation>Preparing the demo station: users, a week of demo records and demo trust material…</translation>
        </message>
    </context>
    <context>
        <name>PreviewWidget</name>
        <message>
            <source>摄像头未启动</source>
            <translation>Camera not started</translation>
        </message>
    </context>
    <context>
        <name>RecoveryDialog</name>
        <message>
            <source>用恢复码重设密码</source>
            <translation>Reset a password with the recovery code</translation>
        </message>
        <message>
            <source>恢复码</source>
            <translation>Recovery code</translation>
        </message>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>新密码</source>
            <translation>New password</translation>
        </message>
        <message>
            <source>再次输入新密码</source>
            <translation>New password again</translation>
        </message>
        <message>
            <source>恢复码在创建站点时显示过一次，通常由主管保管。重设后，该用户用新密码登录；数据不会丢失。</source>
            <translation>The recovery code was shown once when the station was created; a supervisor usually keeps it. After the reset the user signs in with the new password; no data is lost.</translation>
        </message>
        <message>
            <source>两次输入的密码不一致</source>
            <translation>The two passwords differ</translation>
        </message>
        <message>
            <source>正在验证恢复码…</source>
            <translation>Checking the recovery code…</translation>
        </message>
        <message>
            <source>重设失败，详情已记录在日志中</source>
            <translation>Reset failed; the details are in the log</translation>
        </message>
    </context>
    <context>
        <name>RecoveryPage</name>
        <message>
            <source>恢复码</source>
            <translation>Recovery code</translation>
        </message>
        <message>
            <source>所有密码都遗失时，只有恢复码能打开本站数据。请抄写在纸上，交主管另行保管。它只显示这一次。</source>
            <translation>If every password is lost, only the recovery code opens this station&apos;s data. Write it on paper and give it to a supervisor to keep. It is shown only this once.</translation>
        </message>
        <message>
            <source>我已把恢复码抄写在纸上</source>
            <translation>I have written the recovery code on paper</translation>
        </message>
        <message>
            <source>为确认抄写无误，请照纸条输入第 {n} 组（6 个字符）：</source>
            <translation>To confirm, type group {n} (6 characters) from your paper:</translation>
        </message>
        <message>
            <source>与恢复码不符，请对照纸条核对</source>
            <translation>That does not match; check it against your paper</translation>
        </message>
    </context>
    <context>
        <name>RegisterCaseDialog</name>
        <message>
            <source>登记隔离对象</source>
            <translation>Register a case</translation>
        </message>
        <message>
            <source>姓名(&amp;N)</source>
            <translation>&amp;Name</translation>
        </message>
        <message>
            <source>身份证号(&amp;I)</source>
            <translation>&amp;ID number</translation>
        </message>
        <message>
            <source>电话(&amp;P)</source>
            <translation>&amp;Phone</translation>
        </message>
        <message>
            <source>地址(&amp;A)</source>
            <translation>&amp;Address</translation>
        </message>
        <message>
            <source>网格(&amp;G)</source>
            <translation>&amp;Grid</translation>
        </message>
        <message>
            <source>隔离方式(&amp;K)</source>
            <translation>&amp;Kind</translation>
        </message>
        <message>
            <source>集中隔离点</source>
            <translation>Facility</translation>
        </message>
        <message>
            <source>隔离原因(&amp;R)</source>
            <translation>&amp;Reason</translation>
        </message>
        <message>
            <source>开始日期(&amp;S)</source>
            <translation>&amp;Start</translation>
        </message>
        <message>
            <source>计划解除(&amp;E)</source>
            <translation>Planned &amp;end</translation>
        </message>
        <message>
            <source>责任人</source>
            <translation>Responsible</translation>
        </message>
    </context>
    <context>
        <name>ReportsWorkspace</name>
        <message>
            <source>当前用户无权查看报表。</source>
            <translation>This user may not see reports.</translation>
        </message>
        <message>
            <source>日报</source>
            <translation>Daily report</translation>
        </message>
        <message>
            <source>本站</source>
            <translation>This station</translation>
        </message>
        <message>
            <source>刷新 (F5)</source>
            <translation>Refresh (F5)</translation>
        </message>
        <message>
            <source>日期(&amp;D)</source>
            <translation>&amp;Date</translation>
        </message>
        <message>
            <source>范围(&amp;W)</source>
            <translation>Sco&amp;pe</translation>
        </message>
        <message>
            <source>导出 Excel</source>
            <translation>Export Excel</translation>
        </message>
        <message>
            <source>导出 PDF</source>
            <translation>Export PDF</translation>
        </message>
        <message>
            <source>导出 CSV</source>
            <translation>Export CSV</translation>
        </message>
        <message>
            <source>导出完整个人信息</source>
            <translation>Export full personal data</translation>
        </message>
        <message>
            <source>查看完整信息的原因（将记入审计日志）</source>
            <translation>Reason for full personal data (recorded in the audit log)</translation>
        </message>
        <message>
            <source>取消导出</source>
            <translation>Cancel export</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>项目</source>
            <translation>Item</translation>
        </message>
        <message>
            <source>数值</source>
            <translation>Value</translation>
        </message>
        <message>
            <source>街道：{n}</source>
            <translation>Street: {n}</translation>
        </message>
        <message>
            <source>网格：{n}</source>
            <translation>Grid: {n}</translation>
        </message>
        <message>
            <source>正在计算…</source>
            <translation>Computing…</translation>
        </message>
        <message>
            <source>{scope}&#x3000;{day}&#x3000;截至 {as_of}</source>
            <translation>{scope}  {day}  as of {as_of}</translation>
        </message>
        <message>
            <source>导出日报</source>
            <translation>Export the daily report</translation>
        </message>
        <message>
            <source>显示完整个人信息必须填写原因</source>
            <translation>Full personal data needs a reason</translation>
        </message>
        <message>
            <source>正在导出…</source>
            <translation>Exporting…</translation>
        </message>
        <message>
            <source>已导出：{path}</source>
            <translation>Exported: {path}</translation>
        </message>
        <message>
            <source>导出已取消</source>
            <translation>Export cancelled</translation>
        </message>
    </context>
    <context>
        <name>ScreeningForm</name>
        <message>
            <source>例如 36.5</source>
            <translation>e.g. 36.5</translation>
        </message>
        <message>
            <source>体温</source>
            <translation>Temperature</translation>
        </message>
        <message>
            <source>有发热、咳嗽等症状 (F3)</source>
            <translation>Fever, cough or other symptoms (F3)</translation>
        </message>
        <message>
            <source>14 天内到过中高风险地区 (F4)</source>
            <translation>Visited a medium/high-risk area within 14 days (F4)</translation>
        </message>
        <message>
            <source>按系统建议</source>
            <translation>As proposed</translation>
        </message>
        <message>
            <source>更改建议或人工核验时必须填写理由</source>
            <translation>A reason is required when overriding or checking manually</translation>
        </message>
        <message>
            <source>确认保存 (Enter)</source>
            <translation>Save (Enter)</translation>
        </message>
        <message>
            <source>清除 (Esc)</source>
            <translation>Clear (Esc)</translation>
        </message>
        <message>
            <source>体温 (F2)</source>
            <translation>Temperature (F2)</translation>
        </message>
        <message>
            <source>系统建议</source>
            <translation>Proposal</translation>
        </message>
        <message>
            <source>处置 (F9)</source>
            <translation>Decision (F9)</translation>
        </message>
        <message>
            <source>理由</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>{decision}：{advice}</source>
            <translation>{decision}: {advice}</translation>
        </message>
        <message>
            <source>⚠ 发热（≥ {t} °C）</source>
            <translation>⚠ Fever (≥ {t} °C)</translation>
        </message>
        <message>
            <source>必须填写理由</source>
            <translation>A reason is required</translation>
        </message>
        <message>
            <source>（无需填写）</source>
            <translation>(not needed)</translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <source>保存设置</source>
            <translation>Save settings</translation>
        </message>
        <message>
            <source>撤销修改</source>
            <translation>Undo changes</translation>
        </message>
        <message>
            <source>修改会记入审计日志。无操作自动锁定时间在下次登录时生效。</source>
            <translation>Changes are recorded in the audit log. A new idle-lock time applies from the next sign-in.</translation>
        </message>
        <message>
            <source>设置没有变化</source>
            <translation>No setting changed</translation>
        </message>
        <message>
            <source>已保存 {n} 项设置</source>
            <translation>{n} settings saved</translation>
        </message>
    </context>
    <context>
        <name>SetupWizard</name>
        <message>
            <source>网格工作台 — 首次设置</source>
            <translation>GridDesk — first set-up</translation>
        </message>
        <message>
            <source>下一步</source>
            <translation>Next</translation>
        </message>
        <message>
            <source>上一步</source>
            <translation>Back</translation>
        </message>
        <message>
            <source>完成</source>
            <translation>Finish</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>欢迎使用网格工作台</source>
            <translation>Welcome to GridDesk</translation>
        </message>
        <message>
            <source>这台电脑还没有站点。接下来将：

1. 填写站点名称和行政区划代码；
2. 设置管理员账户和密码；
3. 创建加密数据库，并显示一次恢复码。

所有数据加密保存在本机，没有网络也能工作。</source>
            <translation>This PC has no station yet. Next you will:

1. give the station&apos;s name and division code;
2. set up the administrator&apos;s account and password;
3. create the encrypted database and see the recovery code once.

All data is kept encrypted on this PC; it works without a network.</translation>
        </message>
    </context>
    <context>
        <name>StationPage</name>
        <message>
            <source>站点信息</source>
            <translation>Station</translation>
        </message>
        <message>
            <source>本机将作为一个站点保存加密数据。站点名称会显示在报表和同步记录中。</source>
            <translation>This PC becomes a station that keeps encrypted data. The station name appears in reports and sync records.</translation>
        </message>
        <message>
            <source>例如：青秀区新竹街道检查点</source>
            <translation>e.g. Xinzhu Street checkpoint, Qingxiu District</translation>
        </message>
        <message>
            <source>例如：450103</source>
            <translation>e.g. 450103</translation>
        </message>
        <message>
            <source>站点名称</source>
            <translation>Station name</translation>
        </message>
        <message>
            <source>行政区划代码</source>
            <translation>Division code</translation>
        </message>
        <message>
            <source>GB/T 2260 六位代码：省 2 位、市 2 位、县区 2 位。广西壮族自治区以 45 开头，南宁市青秀区为 450103。</source>
            <translation>Six-digit GB/T 2260 code: 2 digits province, 2 city, 2 county. Guangxi codes start with 45; Qingxiu District of Nanning is 450103.</translation>
        </message>
        <message>
            <source>“{code}”不是有效的省级代码开头</source>
            <translation>&apos;{code}&apos; is not a province code</translation>
        </message>
    </context>
    <context>
        <name>StationStatusBar</name>
        <message>
            <source>已锁定</source>
            <translation>Locked</translation>
        </message>
        <message>
            <source>当前用户：{user}（{role}）</source>
            <translation>Signed in: {user} ({role})</translation>
        </message>
        <message>
            <source>无法读取同步状态</source>
            <translation>Cannot read the sync state</translation>
        </message>
        <message>
            <source>● 离线</source>
            <translation>● Offline</translation>
        </message>
        <message>
            <source>待上传：—</source>
            <translation>Waiting: —</translation>
        </message>
        <message>
            <source>上次同步：—</source>
            <translation>Last sync: —</translation>
        </message>
        <message>
            <source>⟳ 正在同步</source>
            <translation>⟳ Syncing</translation>
        </message>
        <message>
            <source>● 离线（未注册）</source>
            <translation>● Offline (not enrolled)</translation>
        </message>
        <message>
            <source>● 在线</source>
            <translation>● Online</translation>
        </message>
        <message>
            <source>待上传：{n} 条</source>
            <translation>Waiting: {n}</translation>
        </message>
        <message>
            <source>，被拒 {n} 条</source>
            <translation>, refused: {n}</translation>
        </message>
        <message>
            <source>上次同步：{time}</source>
            <translation>Last sync: {time}</translation>
        </message>
        <message>
            <source>上次同步：从未</source>
            <translation>Last sync: never</translation>
        </message>
        <message>
            <source>错误：{text}</source>
            <translation>Error: {text}</translation>
        </message>
    </context>
    <context>
        <name>SyncPage</name>
        <message>
            <source>中心服务器</source>
            <translation>Central server</translation>
        </message>
        <message>
            <source>注册状态</source>
            <translation>Enrolment</translation>
        </message>
        <message>
            <source>自动同步间隔</source>
            <translation>Sync interval</translation>
        </message>
        <message>
            <source>上次成功同步</source>
            <translation>Last successful sync</translation>
        </message>
        <message>
            <source>上次尝试</source>
            <translation>Last attempt</translation>
        </message>
        <message>
            <source>待上传记录</source>
            <translation>Records waiting</translation>
        </message>
        <message>
            <source>上次失败原因</source>
            <translation>Last failure</translation>
        </message>
        <message>
            <source>记录</source>
            <translation>Record</translation>
        </message>
        <message>
            <source>类型</source>
            <translation>Kind</translation>
        </message>
        <message>
            <source>创建时间</source>
            <translation>Created</translation>
        </message>
        <message>
            <source>服务器拒收原因</source>
            <translation>Server&apos;s reason</translation>
        </message>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>结果</source>
            <translation>Outcome</translation>
        </message>
        <message>
            <source>成功</source>
            <translation>OK</translation>
        </message>
        <message>
            <source>注意</source>
            <translation>Warning</translation>
        </message>
        <message>
            <source>失败</source>
            <translation>Failed</translation>
        </message>
        <message>
            <source>说明</source>
            <translation>Details</translation>
        </message>
        <message>
            <source>立即同步</source>
            <translation>Sync now</translation>
        </message>
        <message>
            <source>服务器地址和同步间隔在“站点设置”中修改；注册本站请用命令 griddesk enrol。</source>
            <translation>Server address and interval are set under Station settings; enrol this station with the command griddesk enrol.</translation>
        </message>
        <message>
            <source>被服务器拒收的记录</source>
            <translation>Records refused by the server</translation>
        </message>
        <message>
            <source>同步日志</source>
            <translation>Sync log</translation>
        </message>
        <message>
            <source>筛查</source>
            <translation>Screening</translation>
        </message>
        <message>
            <source>健康监测</source>
            <translation>Health check</translation>
        </message>
        <message>
            <source>隔离变更</source>
            <translation>Case change</translation>
        </message>
        <message>
            <source>救助</source>
            <translation>Aid</translation>
        </message>
        <message>
            <source>审计</source>
            <translation>Audit</translation>
        </message>
        <message>
            <source>未设置</source>
            <translation>not set</translation>
        </message>
        <message>
            <source>已注册</source>
            <translation>Enrolled</translation>
        </message>
        <message>
            <source>未注册</source>
            <translation>Not enrolled</translation>
        </message>
        <message>
            <source>{n} 分钟</source>
            <translation>{n} minutes</translation>
        </message>
        <message>
            <source>从未</source>
            <translation>never</translation>
        </message>
        <message>
            <source>{p} 条待上传，{q} 条被拒</source>
            <translation>{p} waiting, {q} refused</translation>
        </message>
        <message>
            <source>已开始同步</source>
            <translation>Sync started</translation>
        </message>
        <message>
            <source>同步正在进行</source>
            <translation>A sync is already running</translation>
        </message>
    </context>
    <context>
        <name>TrustPage</name>
        <message>
            <source>材料</source>
            <translation>Material</translation>
        </message>
        <message>
            <source>版本</source>
            <translation>Version</translation>
        </message>
        <message>
            <source>签发时间</source>
            <translation>Issued</translation>
        </message>
        <message>
            <source>已签发</source>
            <translation>Age</translation>
        </message>
        <message>
            <source>下次更新</source>
            <translation>Next update</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>State</translation>
        </message>
        <message>
            <source>从文件安装…</source>
            <translation>Install from files…</translation>
        </message>
        <message>
            <source>联网时信任材料随同步自动更新；离线时可从文件安装。</source>
            <translation>Trust material updates with every sync; offline, install it from files.</translation>
        </message>
        <message>
            <source>处置规则</source>
            <translation>Decision rules</translation>
        </message>
        <message>
            <source>风险地区名单</source>
            <translation>Risk areas</translation>
        </message>
        <message>
            <source>在线签发方</source>
            <translation>Online issuers</translation>
        </message>
        <message>
            <source>延后核验结果</source>
            <translation>Deferred verdicts</translation>
        </message>
        <message>
            <source>{h} 小时</source>
            <translation>{h} hours</translation>
        </message>
        <message>
            <source>{d} 天</source>
            <translation>{d} days</translation>
        </message>
        <message>
            <source>缺失</source>
            <translation>Missing</translation>
        </message>
        <message>
            <source>已过更新时间</source>
            <translation>Update overdue</translation>
        </message>
        <message>
            <source>正常</source>
            <translation>Current</translation>
        </message>
        <message>
            <source>信任锚：{n} 个（{labels}）</source>
            <translation>Trust anchors: {n} ({labels})</translation>
        </message>
        <message>
            <source>参考数据：{items}</source>
            <translation>Reference data: {items}</translation>
        </message>
        <message>
            <source>选择信任材料文件</source>
            <translation>Choose trust material files</translation>
        </message>
        <message>
            <source>信任材料 (*.json *.jws *.txt);;全部文件 (*)</source>
            <translation>Trust material (*.json *.jws *.txt);;All files (*)</translation>
        </message>
    </context>
    <context>
        <name>UsersPage</name>
        <message>
            <source>用户名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>角色</source>
            <translation>Role</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>State</translation>
        </message>
        <message>
            <source>在用</source>
            <translation>Active</translation>
        </message>
        <message>
            <source>已停用</source>
            <translation>Disabled</translation>
        </message>
        <message>
            <source>创建时间</source>
            <translation>Created</translation>
        </message>
        <message>
            <source>上次登录</source>
            <translation>Last sign-in</translation>
        </message>
        <message>
            <source>添加用户…</source>
            <translation>Add user…</translation>
        </message>
        <message>
            <source>修改角色…</source>
            <translation>Change role…</translation>
        </message>
        <message>
            <source>重设密码…</source>
            <translation>Reset password…</translation>
        </message>
        <message>
            <source>停用</source>
            <translation>Disable</translation>
        </message>
        <message>
            <source>只读：用户由管理员维护。</source>
            <translation>Read only: the administrator maintains users.</translation>
        </message>
        <message>
            <source>已添加用户「{user}」</source>
            <translation>User &apos;{user}&apos; added</translation>
        </message>
        <message>
            <source>修改角色</source>
            <translation>Change role</translation>
        </message>
        <message>
            <source>「{user}」的新角色：</source>
            <translation>New role of &apos;{user}&apos;:</translation>
        </message>
        <message>
            <source>已修改「{user}」的角色</source>
            <translation>Role of &apos;{user}&apos; changed</translation>
        </message>
        <message>
            <source>已重设「{user}」的密码</source>
            <translation>Password of &apos;{user}&apos; reset</translation>
        </message>
        <message>
            <source>停用用户</source>
            <translation>Disable user</translation>
        </message>
        <message>
            <source>停用后「{user}」将无法登录，其记录保留。确定停用吗？</source>
            <translation>&apos;{user}&apos; will no longer be able to sign in; their records stay. Disable?</translation>
        </message>
        <message>
            <source>已停用「{user}」</source>
            <translation>&apos;{user}&apos; disabled</translation>
        </message>
    </context>
    <context>
        <name>VerdictPanel</name>
        <message>
            <source>姓名</source>
            <translation>Name</translation>
        </message>
        <message>
            <source>证件号</source>
            <translation>ID number</translation>
        </message>
        <message>
            <source>签发机构</source>
            <translation>Issuer</translation>
        </message>
        <message>
            <source>有效期至</source>
            <translation>Valid until</translation>
        </message>
        <message>
            <source>请出示健康码</source>
            <translation>Show your health code</translation>
        </message>
        <message>
            <source>扫码、扫码枪或输入身份证号</source>
            <translation>Camera, handheld scanner or ID number</translation>
        </message>
        <message>
            <source>正在核验…</source>
            <translation>Verifying…</translation>
        </message>
    </context>
    <context>
        <name>WorkspaceTabs</name>
        <message>
            <source>隔离与救助</source>
            <translation>Isolation and aid</translation>
        </message>
        <message>
            <source>卡口筛查</source>
            <translation>Checkpoint</translation>
        </message>
        <message>
            <source>站点管理</source>
            <translation>Administration</translation>
        </message>
        <message>
            <source>日报</source>
            <translation>Daily report</translation>
        </message>
        <message>
            <source>此工作区未安装。</source>
            <translation>This workspace is not installed.</translation>
        </message>
        <message>
            <source>此工作区暂时无法打开，详情已记录在日志中。</source>
            <translation>This workspace cannot open right now; the details are in the log.</translation>
        </message>
    </context>
</TS>
